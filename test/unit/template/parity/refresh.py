"""Records what Jinja2 renders for each case in cases.json into expected.json.

The parity suite (../parity.test.ts) compares Medallion's renderer with these strings. Run it with
any Python that has jinja2 (dbt-core pins jinja2 3.1; the peer benchmark's venv in .bench/dbt-venv
has it): python3 test/unit/template/parity/refresh.py
Templates render as dbt renders them: a sandboxed environment with the do and loopcontrols
extensions and Jinja2's defaults otherwise (no autoescape, no trim_blocks, no trailing newline).
"""
import json
import pathlib

import jinja2
from jinja2.sandbox import SandboxedEnvironment

here = pathlib.Path(__file__).parent
cases = json.loads((here / "cases.json").read_text())
env = SandboxedEnvironment(extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"])
expected = {}
for case in cases:
    try:
        expected[case["name"]] = env.from_string(case["template"]).render(**case.get("context", {}))
    except Exception as e:  # recorded so the suite checks that Medallion fails too
        expected[case["name"]] = {"error": type(e).__name__}
(here / "expected.json").write_text(json.dumps({"jinja2": jinja2.__version__, "expected": expected}, indent=2, ensure_ascii=False) + "\n")
print(f"{len(expected)} cases recorded with Jinja2 {jinja2.__version__}")
