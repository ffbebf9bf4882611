import logging

from hai.web.logredact import RedactSecretPaths, redact


def test_link_tokens_never_reach_the_access_log():
    line = '127.0.0.1 - - "GET /daftar/aktivasi/eyJ1aWQiOjF9.abc HTTP/1.1" 200 -'
    assert "eyJ1aWQiOjF9" not in redact(line) and "/daftar/aktivasi/[disembunyikan]" in redact(line)
    assert redact("POST /survei/Zk9x-1_2 HTTP/1.1") == "POST /survei/[disembunyikan] HTTP/1.1"
    assert redact("GET /tickets/12 HTTP/1.1") == "GET /tickets/12 HTTP/1.1"
    record = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        "",
        0,
        '%s - "%s" %s',
        ("127.0.0.1", "GET /survei/abc HTTP/1.1", "200"),
        None,
    )
    RedactSecretPaths().filter(record)
    assert "abc" not in record.getMessage()
