import pytest
import torch

import otgan
from otgan import runtime


def test_device_is_cpu_or_cuda():
    assert otgan.device().type == ("cuda" if torch.cuda.is_available() else "cpu")
    assert otgan.device("cpu").type == "cpu"


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without a GPU")
def test_device_cuda_without_gpu_names_argument():
    with pytest.raises(ValueError, match="prefer"):
        otgan.device("cuda")


def test_seed_everything_is_deterministic():
    otgan.seed_everything(123)
    a = (torch.rand(5), torch.randn(3))
    otgan.seed_everything(123)
    b = (torch.rand(5), torch.randn(3))
    assert all(torch.equal(x, y) for x, y in zip(a, b))


@pytest.mark.parametrize("bad, exc", [(-1, ValueError), (1.5, TypeError), ("3", TypeError), (True, TypeError)])
def test_seed_bad_input(bad, exc):
    with pytest.raises(exc, match="seed"):
        otgan.seed_everything(bad)


def test_profile_from_env(monkeypatch):
    monkeypatch.delenv(runtime.PROFILE_VARIABLE, raising=False)
    assert otgan.profile() == "book"
    monkeypatch.setenv(runtime.PROFILE_VARIABLE, "FULL")
    assert otgan.profile() == "full"
    assert otgan.profile("smoke") == "smoke"  # explicit value wins


def test_profile_unknown_value_is_a_clear_error(monkeypatch):
    monkeypatch.setenv(runtime.PROFILE_VARIABLE, "fast")
    with pytest.raises(ValueError, match=r"OTGAN_PROFILE must be one of .* got 'fast'"):
        otgan.profile()
    with pytest.raises(ValueError, match="profile"):
        otgan.profile("medium")


def test_settings_picks_per_profile():
    assert otgan.settings(1, 2, 3, active="smoke") == 1
    assert otgan.settings(1, 2, 3, active="book") == 2
    assert otgan.settings(1, 2, 3, active="full") == 3
    assert otgan.settings(1, 2, active="full") == 2
