"""The chatbot (Nindy) endpoint: the best public article with a confidence, or none."""

from __future__ import annotations

from hai.haipedia.models import Audience

URL = "/api/v1/haipedia/answer"


def test_answers_with_the_best_public_article(api, write):
    article = write("Cara cek status SP2D", "Buka OM SPAN, menu Monitoring SP2D.")
    write("Revisi DIPA satker", "Ajukan ke Kanwil.")
    response = api.post(URL, {"question": "bagaimana cara mengecek status sp2d saya?"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["answered"] is True and body["confidence"] >= 0.5
    assert body["article"]["id"] == article.id
    assert body["article"]["title"] == "Cara cek status SP2D"
    assert "Monitoring SP2D" in body["article"]["text"]
    assert body["article"]["url"].endswith(f"/haipedia/{article.id}")


def test_no_answer_when_nothing_fits(api, write):
    write("Cara cek status SP2D", "Buka OM SPAN.")
    body = api.post(URL, {"question": "jadwal libur lebaran pegawai"}).get_json()
    assert body == {"answered": False, "confidence": 0.0, "article": None}
    # A weak match is no answer either (one of four terms, in the body only).
    write("Jadwal rekonsiliasi", "Rekonsiliasi dengan KPPN setiap bulan kerja.")
    body = api.post(URL, {"question": "kapan bulan pencairan gaji ketiga belas"}).get_json()
    assert body["answered"] is False and 0 < body["confidence"] < 0.5


def test_internal_articles_are_never_answers(api, write):
    write("Cara cek status SP2D internal", "Rahasia.", audience=Audience.INTERNAL)
    assert api.post(URL, {"question": "cek status sp2d"}).get_json()["answered"] is False


def test_needs_a_token(client):
    response = client.post(URL, json={"question": "sp2d"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_invalid_bodies_are_422(api):
    for body in ({}, {"question": ""}, {"question": 5}, {"question": "x" * 1001}):
        response = api.post(URL, body)
        assert response.status_code == 422, body
        assert "question" in response.get_json()["error"]["fields"]
    assert api.post(URL, ["not", "an", "object"]).status_code == 400
