#!/usr/bin/python3
"""prom_parse.py - reads a /metrics scrape with a real Prometheus
text-format parser (Debian python3-prometheus-client:
prometheus_client.parser.text_string_to_metric_families) for the tests.

  prom_parse.py FILE               parse; print "ok N families, M samples",
                                   exit 1 with the parser's error if it fails
                                   or a family has no HELP/TYPE it declares
  prom_parse.py FILE NAME [K=V..]  print the value of every sample NAME
                                   whose labels include each K=V, one a line
                                   (integers without ".0"), in scrape order

Run with /usr/bin/python3: the Debian module is installed for Debian's
interpreter (scripts/deps.sh), not for another python3 first in PATH.
"""
import sys

from prometheus_client.parser import text_string_to_metric_families


def families(path):
    text = open(path, encoding="utf-8").read()
    return list(text_string_to_metric_families(text))


def fmt(v):
    return str(int(v)) if v == int(v) and abs(v) < 1e15 else repr(v)


def main(argv):
    try:
        fams = families(argv[1])
    except Exception as e:  # the parser's own message
        print("parse error: %s" % e)
        return 1
    if len(argv) == 2:
        bad = [f.name for f in fams if f.type not in ("counter", "gauge", "histogram")]
        if bad:
            print("families of unexpected type: %s" % bad)
            return 1
        n = sum(len(f.samples) for f in fams)
        print("ok %d families, %d samples" % (len(fams), n))
        return 0
    name = argv[2]
    want = dict(a.split("=", 1) for a in argv[3:])
    for f in fams:
        for s in f.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in want.items()):
                print(fmt(s.value))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
