"""What the shell tests' Python parts share: reading result documents and
checking them against results/schema.json.  tests/lib.sh puts this
directory on PYTHONPATH, so a test's heredoc says `import sbtest`."""
import json
import os
import sys

SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "results", "schema.json")


def load(path):
    """The JSON document at path."""
    with open(path) as f:
        return json.load(f)


def schema_checker(test, schema_path=SCHEMA, required=False):
    """A function doc, name -> the schema's complaints about doc, one line
    each (name first).  Without python3-jsonschema: a check that finds
    nothing, after a line saying the validation is skipped, unless
    required, when the test fails."""
    try:
        from jsonschema import Draft202012Validator
    except ImportError:
        if required:
            sys.exit(f"{test}: python3-jsonschema is missing (./run.sh test installs it)")
        print(f"{test}: SKIPPED schema validation: python3-jsonschema is missing")
        return lambda doc, name: []
    schema = load(schema_path)
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)

    def problems(doc, name):
        return [f"{name}: schema: {e.message[:160]}" for e in validator.iter_errors(doc)]
    return problems


def check_schema(test, doc, name, schema_path=SCHEMA):
    """Fails the test unless doc is valid against the schema (required)."""
    bad = schema_checker(test, schema_path, required=True)(doc, name)
    if bad:
        sys.exit("\n".join(bad))

