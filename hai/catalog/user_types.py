"""The 11 numbered user types of the service catalog (002 §D.2)."""

USER_TYPES: dict[int, str] = {
    1: "Satker Kementerian Negara/Lembaga",
    2: "Kantor Pelayanan Perbendaharaan Negara",
    3: "Kantor Wilayah Ditjen Perbendaharaan",
    4: "Wajib Pajak, Wajib Bayar, Wajib Setor",
    5: "Penyedia Barang/Jasa Pemerintah",
    6: "Penerima/Debitur Investasi Pemerintah Pusat",
    7: "Masyarakat",
    8: "Direktorat Teknis Kantor Pusat Ditjen Perbendaharaan",
    9: "Pimpinan Ditjen Perbendaharaan",
    10: "Dewan Pengawas BLU/BLUD",
    11: "BLU/BLUD",
}


def user_type_label(number: int | None) -> str:
    if number is None:
        return "-"
    return f"{number}. {USER_TYPES.get(number, '?')}"
