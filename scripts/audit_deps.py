"""Audit the installed Python packages for known vulnerabilities (pip-audit), as a step
of `make test`.

    python scripts/audit_deps.py            # exit 1 on a vulnerability
    HAI_AUDIT_REQUIRED=1 python ...         # also exit 1 when the audit cannot be done

A finding fails the step. To accept one (no fix yet, or the vulnerable part unused),
add its ID with the reason to scripts/pip-audit-ignore.txt, one per line:

    GHSA-xxxx-xxxx-xxxx  not reachable: we never call werkzeug's debugger (review 2026-12)

When the vulnerability data cannot be reached (no network to PyPI's JSON API or to
OSV), nothing was audited: the step says so loudly and, unless HAI_AUDIT_REQUIRED=1,
lets the suite go on — it never reports "no known vulnerabilities" for an audit that
did not happen.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

IGNORE_FILE = Path(__file__).with_name("pip-audit-ignore.txt")


def ignored() -> list[tuple[str, str]]:
    rows = []
    for n, line in enumerate(IGNORE_FILE.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        vuln, _, reason = line.partition(" ")
        if not reason.strip():
            sys.exit(f"{IGNORE_FILE.name}:{n}: {vuln} has no reason; write why it is accepted")
        rows.append((vuln, reason.strip()))
    return rows


def main() -> int:
    required = os.environ.get("HAI_AUDIT_REQUIRED", "") in {"1", "true", "yes"}
    accepted = ignored()
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "audit.json"
        command = [
            sys.executable, "-m", "pip_audit", "--skip-editable", "--progress-spinner", "off",
            "--format", "json", "--output", str(report),
        ]  # fmt: skip
        for vuln, _ in accepted:
            command += ["--ignore-vuln", vuln]
        run = subprocess.run(command, capture_output=True, text=True, timeout=600)  # noqa: S603
        data = json.loads(report.read_text()) if report.exists() and report.stat().st_size else {}
    deps = data.get("dependencies", [])
    found = [(d["name"], d["version"], v) for d in deps for v in d.get("vulns", [])]
    skipped = [d for d in deps if d.get("skip_reason")]
    audited = len(deps) - len(skipped)
    for name, version, vuln in found:
        fixes = ", ".join(vuln.get("fix_versions", [])) or "none yet"
        print(f"VULNERABLE: {name} {version}: {vuln['id']} (fixed in: {fixes})")
    for vuln, reason in accepted:
        print(f"accepted: {vuln} — {reason}")
    if found:
        print(f"pip-audit: {len(found)} known vulnerabilities. Upgrade the package, or record "
              f"the ID and the reason in scripts/{IGNORE_FILE.name}.")  # fmt: skip
        return 1
    if not deps or audited == 0:
        print("=" * 78)
        print("pip-audit: NOTHING WAS AUDITED — the vulnerability data (PyPI's JSON API or")
        print("OSV) cannot be reached from this machine. This is not a clean result.")
        if skipped:
            print(f"  e.g. {skipped[0]['skip_reason'][:200]}")
        else:
            detail = (run.stderr or run.stdout).strip().splitlines()
            print(f"  {detail[-1][:300]}" if detail else "  (pip-audit gave no output)")
        print("Run it again where PyPI is reachable; set HAI_AUDIT_REQUIRED=1 to make this")
        print("step fail whenever the audit cannot be done.")
        print("=" * 78)
        return 1 if required else 0
    if skipped:
        names = ", ".join(f"{d['name']} {d['version']}" for d in skipped)
        print(f"pip-audit: not audited (not found on PyPI): {names}")
        if required:
            return 1
    print(f"pip-audit: {audited} packages audited, no known vulnerabilities.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
