"""The YAML the fake cluster reads and writes: block mappings and sequences, plain and quoted
scalars, `---` between documents, empty flow collections. That is what serde_yaml writes for the
bundle's manifests and what the fake itself writes for `kubectl get -o yaml` (which the scripts'
backups then send back). Standard library only: the tests run where PyYAML may be missing."""

import json
import re

_INT = re.compile(r"^-?[0-9]+$")


def _scalar(text):
    t = text.strip()
    if t == "" or t == "~" or t == "null":
        return None
    if t == "{}":
        return {}
    if t == "[]":
        return []
    if t.startswith('"'):
        return json.loads(t)
    if t.startswith("'"):
        return t[1:-1].replace("''", "'")
    if t in ("true", "True"):
        return True
    if t in ("false", "False"):
        return False
    if _INT.match(t):
        return int(t)
    return t


def _split_key(content):
    """(key, rest) of a mapping line, or None when the line is no `key:` line."""
    if content.startswith('"') or content.startswith("'"):
        q = content[0]
        i = 1
        while i < len(content):
            if content[i] == "\\" and q == '"':
                i += 2
                continue
            if content[i] == q:
                if q == "'" and i + 1 < len(content) and content[i + 1] == "'":
                    i += 2
                    continue
                break
            i += 1
        key = _scalar(content[: i + 1])
        rest = content[i + 1 :]
        if rest.startswith(":"):
            return str(key), rest[1:].strip()
        return None
    m = re.match(r"^([^\s:][^:]*?):(\s|$)", content)
    if not m:
        return None
    return m.group(1), content[m.end() :].strip()


def _lines(text):
    out = []
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped == "" or stripped.startswith("#"):
            continue
        out.append([len(raw) - len(raw.lstrip(" ")), raw.strip()])
    return out


def _node(lines, i, indent):
    if i >= len(lines):
        return None, i
    ind, content = lines[i]
    if content == "-" or content.startswith("- "):
        return _seq(lines, i, ind)
    return _map(lines, i, ind)


def _seq(lines, i, indent):
    out = []
    while i < len(lines) and lines[i][0] == indent and (lines[i][1] == "-" or lines[i][1].startswith("- ")):
        item = lines[i][1][2:].strip() if lines[i][1] != "-" else ""
        if item == "":
            value, i = _node(lines, i + 1, indent + 1)
        elif _split_key(item) is not None:
            lines[i] = [indent + 2, item]
            value, i = _map(lines, i, indent + 2)
        else:
            value, i = _scalar(item), i + 1
        out.append(value)
    return out, i


def _map(lines, i, indent):
    out = {}
    while i < len(lines) and lines[i][0] == indent and not (lines[i][1] == "-" or lines[i][1].startswith("- ")):
        split = _split_key(lines[i][1])
        if split is None:
            raise ValueError("cannot read YAML line: %r" % lines[i][1])
        key, rest = split
        i += 1
        if rest == "":
            if i < len(lines) and (lines[i][0] > indent or (lines[i][0] == indent and lines[i][1].startswith("- "))):
                value, i = _node(lines, i, lines[i][0])
            else:
                value = None
        else:
            value = _scalar(rest)
        out[key] = value
    return out, i


def load_all(text):
    """Every document of a YAML (or JSON) text."""
    if text.lstrip().startswith("{"):
        return [json.loads(text)]
    docs = []
    for chunk in re.split(r"(?m)^---\s*$", text):
        lines = _lines(chunk)
        if lines:
            value, _ = _node(lines, 0, lines[0][0])
            docs.append(value)
    return docs


def _key(k):
    return k if re.match(r"^[A-Za-z0-9_./-]+$", k) else json.dumps(k)


def dump(value, indent=0):
    """Block YAML of a JSON-like value (strings always quoted)."""
    pad = " " * indent
    out = []
    if isinstance(value, dict):
        if not value:
            return pad + "{}\n"
        for k, v in value.items():
            if isinstance(v, dict) and v:
                out.append("%s%s:\n%s" % (pad, _key(k), dump(v, indent + 2)))
            elif isinstance(v, list) and v:
                out.append("%s%s:\n%s" % (pad, _key(k), dump(v, indent)))
            else:
                out.append("%s%s: %s\n" % (pad, _key(k), _flow(v)))
        return "".join(out)
    if isinstance(value, list):
        for v in value:
            if isinstance(v, dict) and v:
                inner = dump(v, indent + 2)
                out.append(pad + "- " + inner[indent + 2 :])
            elif isinstance(v, list) and v:
                out.append(pad + "-\n" + dump(v, indent + 2))
            else:
                out.append("%s- %s\n" % (pad, _flow(v)))
        return "".join(out)
    return pad + _flow(value) + "\n"


def _flow(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, dict):
        return "{}"
    if isinstance(v, list):
        return "[]"
    return json.dumps(v)
