# mypy: ignore-errors
"""Run data-to-insight's SSDA903 validator on a folder of return files; write what it finds.

This file runs under the validator's own interpreter (a virtualenv with ``csc-validator-be-903``
installed, whose pins, pandas below 2, must not constrain Casebook's), never inside Casebook:
it imports nothing of Casebook's and only the standard library besides the validator. It drives
the validator the way its web front end does (``rpc_main.lac_validate``: the files as "This
year", the year's rule set, the local authority's code) and writes one JSON document:
``{"issues": [{"table", "row", "child", "rule", "message", "fields"}], "failed_rules": [...]}``,
where ``row`` is the 0-based data row of that table's file.

Usage: python lac_validator_run.py FOLDER CLOSING_YEAR LA_CODE OUT_JSON
"""

import json
import logging
import sys
from pathlib import Path


def main(folder: str, year: str, la_code: str, out: str) -> int:
    logging.disable(logging.CRITICAL)
    from lac_validator import lac_validator
    from lac_validator.rules.ruleset_utils import get_year_ruleset
    from lac_validator.utils import process_uploaded_files

    files = sorted(str(path) for path in Path(folder).glob("*.csv"))
    uploaded = process_uploaded_files({"This year": files})
    registry = get_year_ruleset(year)
    validator = lac_validator.LacValidator(
        metadata={"collectionYear": year, "localAuthority": la_code},
        files=uploaded,
        registry=registry,
    )
    rules = {str(rule.code): rule for rule in registry.values()}
    issues = []
    for table, frame in validator.ds_results.items():
        if table == "metadata":
            continue
        columns = set(frame.columns)
        for name in [c for c in frame.columns if str(c).startswith("ERR_")]:
            code = name[4:]
            rule = rules.get(code)
            fields = sorted(set(rule.affected_fields) & columns) if rule else []
            for row in frame.index[frame[name] == True]:  # noqa: E712 - pandas mask
                issues.append(
                    {
                        "table": table,
                        "row": int(row),
                        "child": str(frame.at[row, "CHILD"]),
                        "rule": code,
                        "message": str(rule.message) if rule else "",
                        "fields": fields or sorted(rule.affected_fields) if rule else [],
                    }
                )
    with open(out, "w", encoding="utf-8") as stream:
        json.dump({"issues": issues, "failed_rules": list(validator.fails)}, stream)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5]))
