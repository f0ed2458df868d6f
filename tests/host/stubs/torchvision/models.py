"""Stand-in: any model constructor fails loudly if a test ever reaches it."""


def __getattr__(name):
    def _unavailable(*args, **kwargs):
        raise RuntimeError(f"torchvision.models.{name} is not available in the LAGS test stand-in")

    return _unavailable
