"""The CLI must start without loading the model stack: `newsprism --help` should not wait for torch or spaCy."""

from __future__ import annotations

import subprocess
import sys


def test_loading_every_command_imports_no_model_library():
    code = (
        "import sys; from newsprism.cli import cli; assert len(cli.commands) > 10; "
        "print(sorted(m for m in ('torch', 'spacy', 'transformers', 'sklearn', 'pyspark') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"
