import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_demo_checklists_and_relevance_fixture_are_valid():
    result = subprocess.run(
        [sys.executable, str(ROOT / "checklists" / "demo" / "validate.py")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.rstrip().endswith("OK")
