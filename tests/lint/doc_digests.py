"""No token digest shown in the docs or the shipped configurations is the SHA-256 of a guessable
token: an operator who copies an example must not end up with a caller anyone can be."""
import hashlib
import re
import sys

GUESSABLE = [
    "", "test", "token", "secret", "password", "changeme", "admin", "example", "demo", "1234",
    "12345678", "letmein", "gateway", "barion", "my-token", "mytoken", "bearer", "root", "guest",
    "anonymous", "treasury", "billing", "web", "default", "qwerty", "foo", "bar", "hello",
]


def main(paths):
    weak = {hashlib.sha256(w.encode()).hexdigest(): w for w in GUESSABLE}
    for w in list(GUESSABLE):
        weak[hashlib.sha256((w + "\n").encode()).hexdigest()] = w + "\\n"
    checked = 0
    bad = []
    for path in paths:
        text = open(path, encoding="utf-8").read()
        for digest in re.findall(r"\b[0-9a-f]{64}\b", text):
            checked += 1
            if digest in weak:
                bad.append(f"{path}: {digest[:12]}... is SHA-256 of {weak[digest]!r}")
    for line in bad:
        print(line)
    print(f"doc_digests: {checked} digests checked, {len(bad)} guessable")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
