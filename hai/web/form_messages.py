"""Indonesian texts for WTForms' built-in messages (WTForms ships no Indonesian)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "This field is required.": "Wajib diisi.",
    "Invalid input.": "Isian tidak valid.",
    "Not a valid choice.": "Pilihan tidak valid.",
    "Invalid Choice: could not coerce.": "Pilihan tidak valid.",
    "Invalid choice(s): one or more data inputs could not be coerced.": "Pilihan tidak valid.",
    "'%(value)s' is not a valid choice for this field.": "«%(value)s» bukan pilihan yang valid.",
    "'%(value)s' are not valid choices for this field.": "«%(value)s» bukan pilihan yang valid.",
    "Not a valid date value.": "Tanggal tidak valid (format: hari-bulan-tahun).",
    "Not a valid datetime value.": "Tanggal dan jam tidak valid.",
    "Not a valid time value.": "Jam tidak valid.",
    "Not a valid integer value.": "Harus berupa bilangan bulat.",
    "Not a valid decimal value.": "Harus berupa angka.",
    "Not a valid float value.": "Harus berupa angka.",
    "Invalid email address.": "Alamat email tidak valid.",
    "Number must be at least %(min)s.": "Minimal %(min)s.",
    "Number must be at most %(max)s.": "Maksimal %(max)s.",
    "Number must be between %(min)s and %(max)s.": "Harus antara %(min)s dan %(max)s.",
    "Field must be at least %(min)d character long.": "Minimal %(min)d karakter.",
    "Field must be at least %(min)d characters long.": "Minimal %(min)d karakter.",
    "Field cannot be longer than %(max)d character.": "Maksimal %(max)d karakter.",
    "Field cannot be longer than %(max)d characters.": "Maksimal %(max)d karakter.",
    "Field must be exactly %(max)d character long.": "Harus tepat %(max)d karakter.",
    "Field must be exactly %(max)d characters long.": "Harus tepat %(max)d karakter.",
    "Field must be between %(min)d and %(max)d characters long.": "Harus %(min)d sampai %(max)d karakter.",
    "Field must be equal to %(other_name)s.": "Harus sama dengan %(other_name)s.",
    "The CSRF token is missing.": "Token keamanan formulir (CSRF) tidak ada. Muat ulang halaman.",
    "The CSRF token is invalid.": "Token keamanan formulir (CSRF) tidak sah. Muat ulang halaman.",
    "The CSRF token has expired.": "Token keamanan formulir (CSRF) kedaluwarsa. Muat ulang halaman.",
    "The CSRF session token is missing.": "Sesi formulir tidak ditemukan. Muat ulang halaman.",
}


class IndonesianTranslations:
    """The gettext protocol WTForms asks of ``Meta.get_translations``."""

    def gettext(self, string: str) -> str:
        return MESSAGES.get(string, string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


TRANSLATIONS = IndonesianTranslations()
