"""A web process does not pay argon2's 64 MiB at start-up, and unknown accounts still cost a hash.

The hash verified against when no account matches used to be made when
``core.auth.passwords`` was imported: every web process's peak memory rose by the
64 MiB one argon2 hash holds, before it had served anything (issue 19's budget is
150 MiB per web process). It is now made at the first verification.
"""

from __future__ import annotations

import subprocess
import sys

from core.auth import passwords

#: How far the peak rose above what the process holds after the import (KiB): a hash made
#: and freed during the import shows as that gap.
TRANSIENT_OF_IMPORT = """
import re
import core.auth.passwords
status = open("/proc/self/status").read()
kib = {k: int(v) for k, v in re.findall(r"(VmHWM|VmRSS):\\s+(\\d+)", status)}
print(kib["VmHWM"] - kib["VmRSS"])
"""


def test_importing_the_password_module_does_not_run_argon2() -> None:
    transient_kib = int(
        subprocess.run(
            [sys.executable, "-c", TRANSIENT_OF_IMPORT], capture_output=True, text=True, check=True
        ).stdout
    )
    assert transient_kib < 32 * 1024  # one argon2 hash at the defaults holds 64 MiB


def test_an_unknown_account_is_checked_against_a_real_hash() -> None:
    """No stored hash: still one argon2 verification (the time of a real one), and no match."""
    assert not passwords.verify("", "loa-dummy-password-for-timing")
    assert passwords._dummy_hash().startswith("$argon2id$")
    assert passwords.verify(passwords.hash_password("mật khẩu dài"), "mật khẩu dài")
