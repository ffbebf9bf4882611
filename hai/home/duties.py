"""What the regulation asks of each role (PER-8 Pasal 6–8, 21, 22; KEP-428 Lampiran I),
shown on the role's home page."""

from hai.auth.roles import Role

ROLE_DUTIES: dict[Role, tuple[str, list[str]]] = {
    Role.KOORDINATOR: (
        "PER-8 Pasal 7(2)",
        [
            "Menetapkan dan mengawasi pengelolaan saluran layanan HAI-DJPb.",
            "Memantau seluruh layanan dan laporan kinerja.",
        ],
    ),
    Role.KEPALA_SEKSI: (
        "PER-8 Pasal 6(4), 29",
        [
            "Memimpin agen dan menerima eskalasi dari Layer 1.",
            "Memeriksa, menyunting, menyetujui dan menugaskan permintaan broadcast.",
            "Menerima laporan permasalahan dari agen.",
        ],
    ),
    Role.MANAJER_LAYANAN: (
        "PER-8 Pasal 7(7)",
        [
            "Menyusun jadwal agen dan menganalisis eskalasi dari Layer 1/Layer 2.",
            "Meneruskan ke unit teknis, memantau tindak lanjut, memberi umpan balik kepada pengguna.",
        ],
    ),
    Role.QA: (
        "PER-8 Pasal 6(3)f–h, 7(6)",
        [
            "Mengevaluasi Agen Layer 1, Layer 2 dan Manajer Layanan (hard skill, soft skill, disiplin, jumlah panggilan per jam).",
            "Memverifikasi bahwa eskalasi telah ditindaklanjuti dengan menghubungi pengguna.",
        ],
    ),
    Role.AGEN_L1: (
        "PER-8 Pasal 13–15, 25–29",
        [
            "Menerima permintaan dari semua kanal kecuali HAI CSO.",
            "Memeriksa kelengkapan data dan kesesuaian dengan katalog layanan; menelusuri HAIPEDIA; menjawab.",
            "Mengeskalasi ke Kepala Seksi atau Agen Layer 2; mengirim broadcast yang disetujui.",
        ],
    ),
    Role.AGEN_L2: (
        "PER-8 Pasal 25 huruf i",
        [
            "Menjawab permintaan yang dieskalasi Layer 1 sesuai direktorat teknis Anda.",
        ],
    ),
    Role.AGEN_L3: (
        "KEP-428 Lampiran I §IV.7.b",
        [
            "Menjawab permintaan yang dieskalasi Layer 2.",
        ],
    ),
    Role.CSO: (
        "PER-8 Pasal 28, 7(9)",
        [
            "Mencatat pertanyaan dan jawaban pengguna yang datang langsung ke kantor melalui HAI CSO.",
            "Mengeskalasi ke Kepala Seksi kantor atau ke Agen Layer 1.",
        ],
    ),
    Role.KOORDINATOR_BCM: (
        "PER-8 Pasal 21(4)",
        [
            "Melaporkan bencana yang mengganggu kelangsungan layanan kantor Anda, beserta daftar periksa koordinator.",
        ],
    ),
    Role.KETUA_TIM_BENCANA: (
        "PER-8 Pasal 21(1)c",
        [
            "Menerima laporan bencana yang telah dianalisis dampaknya oleh HAI-DJPb.",
        ],
    ),
    Role.CAB: (
        "PER-8 Pasal 22(6)",
        [
            "Menilai kategori dan dampak permintaan perubahan, lalu memutuskan setuju/tolak/tunda.",
        ],
    ),
    Role.MANAJER_PERUBAHAN: (
        "PER-8 Pasal 22(6)c",
        [
            "Melaksanakan perubahan yang disetujui CAB, berkoordinasi dengan pemilik produk.",
            "Mencatat pelaksanaan, hasil dan tinjauan pasca-pelaksanaan.",
        ],
    ),
    Role.ADMIN: (
        "Administrasi sistem",
        [
            "Mengelola pengguna, peran dan unit organisasi.",
            "Mengelola versi katalog layanan dan memantau log audit.",
        ],
    ),
    Role.PENGGUNA: (
        "PER-8 Pasal 8",
        [
            "Menyampaikan pertanyaan, permintaan informasi, gangguan dan permintaan perubahan melalui kanal resmi.",
            "Memberikan umpan balik dan penilaian atas jawaban.",
        ],
    ),
}
