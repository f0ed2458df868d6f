"""The skip-threshold quality gate of benchmarks/perf on the 2-D benchmark (quick sizes)."""
from benchmarks.perf.quality import skip_threshold_check
from benchmarks.toy2d.config import QUICK


def test_skipping_low_alpha_steps_saves_calls_without_losing_w2():
    result = skip_threshold_check(QUICK)
    no_skip, default, higher = result.runs
    assert no_skip.skip_below == 0.0 and result.default is default and higher.skip_below > default.skip_below
    assert no_skip.guided_calls == no_skip.total_calls == QUICK.steps
    assert higher.guided_calls <= default.guided_calls < no_skip.guided_calls  # karras: the first third skipped
    assert result.within_noise_floor(), (result.worsening(), result.noise_floor)
    assert default.moved < 0.05  # the same noise lands (almost) where it did with guidance everywhere
    assert 0 < result.noise_floor[0] < 1 and result.base_w2 > 0
