"""The OpenAPI 3.0 document of /api/v1 (served at /api/v1/openapi.json).

Written by hand next to the views it describes; tests/api/test_api_fuzz.py checks the
running API against it (schemathesis), so a change to one shows up in the other.
"""

from __future__ import annotations

from hai.sla.policy import LEVELS as LEVEL_CODES
from hai.sla.policy import PRIORITIES
from hai.tickets.models import TicketType

LEVELS = list(LEVEL_CODES)
TICKET_TYPES = [t.value for t in TicketType]


def _error(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _ticket(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Ticket"}}},
    }


NUMBER = {
    "name": "number",
    "in": "path",
    "required": True,
    "description": "Nomor tiket, mis. HAI-2026-000123.",
    "schema": {"type": "string", "maxLength": 40},
}
STRING_OR_NULL = {"type": "string", "nullable": True}
INSTANT = {"type": "string", "format": "date-time", "nullable": True}


def document(channels: list[str], server_url: str = "") -> dict:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "HAI-DJPb API",
            "version": "1.0.0",
            "description": (
                "Tiket dan katalog layanan HAI-DJPb untuk integrasi (WhatsApp, HAI CSO/OM "
                "SPAN, dan lainnya). Autentikasi: header `Authorization: Bearer <token>` "
                "yang diterbitkan administrator per integrasi. Waktu dalam ISO 8601 dengan "
                "zona waktu; jawaban memakai +07:00 (WIB)."
            ),
        },
        "servers": [{"url": (server_url or "") + "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": {
            "/tickets": {
                "post": {
                    "operationId": "createTicket",
                    "summary": "Catat tiket baru dari kanal integrasi",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/NewTicket"}
                            }
                        },
                    },
                    "responses": {
                        "201": _ticket("Tiket dicatat."),
                        "400": _error("Badan permintaan bukan objek JSON."),
                        "401": _error("Token tidak ada atau tidak sah."),
                        "403": _error("Jenis pengguna tidak dapat menggunakan layanan itu."),
                        "422": _error("Isian tidak valid; `fields` menyebut isiannya."),
                        "429": _error("Batas panggilan per menit terlampaui."),
                    },
                }
            },
            "/tickets/{number}": {
                "get": {
                    "operationId": "getTicket",
                    "summary": "Status tiket (mis. 'Lacak status tiket' di WhatsApp)",
                    "parameters": [NUMBER],
                    "responses": {
                        "200": _ticket("Tiket."),
                        "401": _error("Token tidak ada atau tidak sah."),
                        "404": _error("Nomor tidak dikenal."),
                        "429": _error("Batas panggilan per menit terlampaui."),
                    },
                },
                "patch": {
                    "operationId": "setTicketPriority",
                    "summary": "Tetapkan dampak dan kepentingan (tenggat dihitung ulang)",
                    "parameters": [NUMBER],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/PriorityChange"}
                            }
                        },
                    },
                    "responses": {
                        "200": _ticket("Tiket dengan prioritas dan tenggat baru."),
                        "400": _error("Badan permintaan bukan objek JSON."),
                        "401": _error("Token tidak ada atau tidak sah."),
                        "404": _error("Nomor tidak dikenal."),
                        "422": _error("Isian tidak valid, atau tiket sudah ditutup."),
                        "429": _error("Batas panggilan per menit terlampaui."),
                    },
                },
            },
            "/haipedia/answer": {
                "post": {
                    "operationId": "answerQuestion",
                    "summary": "Jawaban HAIPEDIA untuk chatbot: artikel publik terbaik dengan "
                    "tingkat keyakinan, atau tidak ada jawaban (buat tiket lewat POST /tickets)",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Question"}
                            }
                        },
                    },
                    "responses": {
                        "200": {
                            "description": "Artikel terbaik, atau `answered: false`.",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Answer"}
                                }
                            },
                        },
                        "400": _error("Badan permintaan bukan objek JSON."),
                        "401": _error("Token tidak ada atau tidak sah."),
                        "422": _error("Isian tidak valid; `fields` menyebut isiannya."),
                        "429": _error("Batas panggilan per menit terlampaui."),
                    },
                }
            },
            "/catalog": {
                "get": {
                    "operationId": "getCatalog",
                    "summary": "Katalog layanan yang berlaku (hari ini, atau pada tanggal `at`)",
                    "parameters": [
                        {
                            "name": "at",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string", "format": "date"},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "Versi katalog dengan layanan, ruang lingkup, norma "
                            "dan matriks akses.",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Catalog"}
                                }
                            },
                        },
                        "401": _error("Token tidak ada atau tidak sah."),
                        "404": _error("Tidak ada katalog yang berlaku pada tanggal itu."),
                        "422": _error("Tanggal tidak valid."),
                        "429": _error("Batas panggilan per menit terlampaui."),
                    },
                }
            },
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["code", "message", "fields"],
                            "properties": {
                                "code": {"type": "string"},
                                "message": {"type": "string"},
                                "fields": {
                                    "type": "object",
                                    "additionalProperties": {"type": "string"},
                                },
                            },
                        }
                    },
                },
                "Requester": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {
                        "name": {"type": "string", "minLength": 1, "maxLength": 120},
                        "email": {"type": "string", "maxLength": 254},
                        "phone": {"type": "string", "maxLength": 40},
                        "user_type": {"type": "integer", "minimum": 1, "maximum": 11},
                        "unit": {"type": "string", "maxLength": 200},
                        "satker_code": {"type": "string", "maxLength": 20},
                    },
                },
                "NewTicket": {
                    "type": "object",
                    "required": ["channel", "requester", "subject"],
                    "properties": {
                        "channel": {"type": "string", "enum": channels},
                        "received_at": {
                            "type": "string",
                            "format": "date-time",
                            "description": "Waktu diterima kanal (default: sekarang); "
                            "tidak boleh di masa depan.",
                        },
                        "requester": {"$ref": "#/components/schemas/Requester"},
                        "service_code": {
                            "type": "string",
                            "maxLength": 40,
                            "description": "Kode layanan atau ruang lingkup katalog yang "
                            "berlaku pada waktu diterima.",
                        },
                        "subject": {"type": "string", "minLength": 1, "maxLength": 300},
                        "description": {"type": "string", "maxLength": 20000},
                        "type": {"type": "string", "enum": TICKET_TYPES},
                        "cso_email": {
                            "type": "string",
                            "description": "HAI CSO: akun CSO yang melayani di meja layanan.",
                        },
                        "answer": {
                            "type": "string",
                            "maxLength": 20000,
                            "description": "HAI CSO: jawaban yang sudah diberikan CSO.",
                        },
                        "close": {
                            "type": "boolean",
                            "description": "HAI CSO: tutup tiket bersama jawabannya.",
                        },
                    },
                },
                "Question": {
                    "type": "object",
                    "required": ["question"],
                    "properties": {
                        "question": {"type": "string", "minLength": 1, "maxLength": 1000},
                        "service_code": {
                            "type": "string",
                            "maxLength": 40,
                            "description": "Batasi pada artikel layanan katalog ini.",
                        },
                    },
                },
                "Answer": {
                    "type": "object",
                    "required": ["answered", "confidence", "article"],
                    "properties": {
                        "answered": {"type": "boolean"},
                        "confidence": {"type": "number", "minimum": 0, "maximum": 1},
                        "article": {
                            "type": "object",
                            "nullable": True,
                            "required": ["id", "title", "text", "url"],
                            "properties": {
                                "id": {"type": "integer"},
                                "title": {"type": "string"},
                                "text": {"type": "string"},
                                "url": {"type": "string"},
                                "service_code": STRING_OR_NULL,
                                "updated_at": {"type": "string", "format": "date-time"},
                            },
                        },
                    },
                },
                "PriorityChange": {
                    "type": "object",
                    "required": ["impact", "urgency"],
                    "properties": {
                        "impact": {"type": "string", "enum": LEVELS},
                        "urgency": {"type": "string", "enum": LEVELS},
                    },
                    "additionalProperties": False,
                },
                "Ticket": {
                    "type": "object",
                    "required": [
                        "number",
                        "status",
                        "channel",
                        "service_code",
                        "catalog_version",
                        "priority",
                        "received_at",
                        "first_response_due_at",
                        "resolution_due_at",
                        "breached",
                    ],
                    "properties": {
                        "number": {"type": "string"},
                        "status": {"type": "string"},
                        "status_label": {"type": "string"},
                        "channel": {"type": "string"},
                        "service_code": STRING_OR_NULL,
                        "catalog_version": {"type": "string"},
                        "priority": {
                            "type": "string",
                            "nullable": True,
                            "enum": [*PRIORITIES, None],
                        },
                        "impact": STRING_OR_NULL,
                        "urgency": STRING_OR_NULL,
                        "received_at": {"type": "string", "format": "date-time"},
                        "first_response_due_at": INSTANT,
                        "resolution_due_at": INSTANT,
                        "answered_at": INSTANT,
                        "closed_at": INSTANT,
                        "breached": {"type": "boolean"},
                    },
                },
                "Scope": {
                    "type": "object",
                    "properties": {
                        "code": {"type": "string"},
                        "name": {"type": "string"},
                        "norm_hours": {"type": "integer", "nullable": True},
                        "scopes": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/Scope"},
                        },
                    },
                },
                "Catalog": {
                    "type": "object",
                    "required": ["version", "services"],
                    "properties": {
                        "version": {
                            "type": "object",
                            "properties": {
                                "code": {"type": "string"},
                                "title": {"type": "string"},
                                "state": {"type": "string"},
                                "effective_from": {
                                    "type": "string",
                                    "format": "date",
                                    "nullable": True,
                                },
                            },
                        },
                        "services": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "code": {"type": "string"},
                                    "name": {"type": "string"},
                                    "responsible_unit": {"type": "string"},
                                    "norm_hours": {"type": "integer", "nullable": True},
                                    "user_types": {
                                        "type": "array",
                                        "items": {"type": "integer"},
                                    },
                                    "scopes": {
                                        "type": "array",
                                        "items": {"$ref": "#/components/schemas/Scope"},
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
    }
