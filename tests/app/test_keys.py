"""The sealed data key: Argon2id-derived wrapping, and telling wrong passphrases from tampering."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path

import pytest

from app.errors import KeyFileDamaged
from app.store.keys import (
    MIN_TIME_COST,
    KdfParams,
    PassphraseRejected,
    WrappedKey,
    calibrate,
    new_data_key,
)
from tests.conftest import fast_kdf


def _sealed(tmp_path: Path) -> tuple[Path, bytes]:
    key = new_data_key()
    path = tmp_path / "key.json"
    WrappedKey.seal(
        profile_id="p1", data_key=key, passphrase="right one here", kdf=fast_kdf()
    ).write(path)
    return path, key


def test_right_passphrase_recovers_the_data_key(tmp_path: Path) -> None:
    """The data key comes back intact with the passphrase it was sealed under."""
    path, key = _sealed(tmp_path)
    assert WrappedKey.read(path).unseal("right one here") == key


def test_wrong_passphrase_is_rejected_not_reported_as_damage(tmp_path: Path) -> None:
    """A wrong passphrase is told apart from a damaged key file."""
    path, _ = _sealed(tmp_path)
    with pytest.raises(PassphraseRejected):
        WrappedKey.read(path).unseal("wrong one here")


def test_key_file_never_holds_the_data_key_in_clear(tmp_path: Path) -> None:
    """Neither the raw key nor its hex or base64 form appears in key.json."""
    path, key = _sealed(tmp_path)
    text = path.read_bytes()
    assert key not in text
    assert key.hex().encode() not in text
    assert base64.b64encode(key) not in text


def test_tampered_sealed_key_is_reported_as_damage(tmp_path: Path) -> None:
    """Altering the sealed key gives a clear 'key file damaged' error, not 'wrong passphrase'."""
    path, _ = _sealed(tmp_path)
    doc = json.loads(path.read_text())
    sealed = bytearray(base64.b64decode(doc["wrap"]["sealed"]))
    sealed[3] ^= 0x01
    doc["wrap"]["sealed"] = base64.b64encode(bytes(sealed)).decode()
    path.write_text(json.dumps(doc))
    with pytest.raises(KeyFileDamaged):
        WrappedKey.read(path).unseal("right one here")


@pytest.mark.parametrize(
    "mangle",
    [
        lambda d: d.pop("wrap"),
        lambda d: d["kdf"].update(algorithm="pbkdf2"),
        lambda d: d["kdf"].update(salt="not base64!!"),
        lambda d: d["kdf"].update(time_cost=0),
        lambda d: d.update(format=99),
    ],
)
def test_malformed_key_file_is_reported_as_damage(tmp_path: Path, mangle: object) -> None:
    """A structurally broken key file is reported as damaged before any passphrase is tried."""
    path, _ = _sealed(tmp_path)
    doc = json.loads(path.read_text())
    mangle(doc)  # type: ignore[operator]
    path.write_text(json.dumps(doc))
    with pytest.raises(KeyFileDamaged):
        WrappedKey.read(path)


def test_garbage_key_file_is_reported_as_damage(tmp_path: Path) -> None:
    """A key file that is not JSON at all is reported as damaged, not as a crash."""
    path = tmp_path / "key.json"
    path.write_bytes(b"\x00\xffnot json")
    with pytest.raises(KeyFileDamaged):
        WrappedKey.read(path)


def test_calibration_scales_time_cost_with_the_target() -> None:
    """A longer target buys more Argon2id passes, and never fewer than the floor."""
    quick = calibrate(target_seconds=0.01, memory_kib=8192, parallelism=1)
    slow = calibrate(target_seconds=0.3, memory_kib=8192, parallelism=1)
    assert quick.time_cost >= MIN_TIME_COST
    assert slow.time_cost > quick.time_cost
    assert len(slow.salt) == 16 and slow.salt != quick.salt


def test_calibration_on_a_busy_machine_keeps_unlock_short(monkeypatch: pytest.MonkeyPatch) -> None:
    """Noise that makes the one-pass probe slower than the three-pass one (a busy machine, the
    memory's first use) must not read as "a pass costs nothing": the time cost stays near what
    the target allows, not thousands of passes that make every unlock take minutes."""
    calls: list[int] = []

    def derive(self: KdfParams, passphrase: str) -> bytes:
        # 10 ms fixed + 10 ms a pass, except that every one-pass probe is slowed to 150 ms.
        calls.append(self.time_cost)
        time.sleep(0.15 if self.time_cost == 1 else 0.01 + 0.01 * self.time_cost)
        return bytes(32)

    monkeypatch.setattr(KdfParams, "derive", derive)
    chosen = calibrate(target_seconds=0.5)
    assert calls  # the probes ran through the patched derivation
    # A pass is taken as at least half the (slowed) one-pass probe, 75 ms: about 6 passes.
    # Believing the difference of the probes instead gave over 4,000.
    assert MIN_TIME_COST <= chosen.time_cost <= 10
