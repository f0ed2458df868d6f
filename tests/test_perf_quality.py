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


def test_adaptive_probe_default_stays_within_the_methods_own_noise():
    """The derivation of DEFAULT_PROBE_THRESHOLD at quick sizes: on the 2-D benchmark the default
    moves samples no more than doubling epsilon does and keeps W2 within the noise floor; on the
    exact bed it probes fewer steps at an unchanged gap. Threshold 1 fails the same checks."""
    from benchmarks.perf.probe_quality import probe_threshold_check
    from guidance import DEFAULT_PROBE_THRESHOLD

    q = probe_threshold_check(quick=True, thresholds=(0.0, DEFAULT_PROBE_THRESHOLD, 1.0), log=lambda *_: None)
    toy, loose = q.toy_run(DEFAULT_PROBE_THRESHOLD), q.toy_run(1.0)
    largest_eps_move = max(r.moved for r in q.epsilon_moves)
    assert toy.probed <= toy.guided == 20 and toy.w2 - q.toy[0].w2 < q.noise_floor[0]
    assert toy.moved <= largest_eps_move, (toy.moved, largest_eps_move)  # seen: 4.2% vs 9.4%
    assert loose.moved > largest_eps_move and loose.w2 - q.toy[0].w2 > toy.w2 - q.toy[0].w2
    bed, every = q.bed_run(DEFAULT_PROBE_THRESHOLD), q.bed_run(0.0)
    assert bed.probed < every.probed == 20 and bed.gap < 1.05 * every.gap
    sdxl = q.bed_run(DEFAULT_PROBE_THRESHOLD, sdxl=True)
    assert sdxl.guided == 20 and sdxl.probed <= 12  # the FLOP projection's count (seen: 12)
