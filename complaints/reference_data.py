"""Reference data that ships with the product: the kecamatan of Balangan and the starting categories."""

from __future__ import annotations

# (name, slug, approximate centre latitude, longitude)
DISTRICTS = [
    ("Awayan", "awayan", "-2.420000", "115.530000"),
    ("Batumandi", "batumandi", "-2.200000", "115.420000"),
    ("Halong", "halong", "-2.170000", "115.620000"),
    ("Juai", "juai", "-2.290000", "115.570000"),
    ("Lampihong", "lampihong", "-2.300000", "115.370000"),
    ("Paringin", "paringin", "-2.330000", "115.467000"),
    ("Paringin Selatan", "paringin-selatan", "-2.390000", "115.460000"),
    ("Tebing Tinggi", "tebing-tinggi", "-2.300000", "115.680000"),
]

# (kind, slug, name)
CATEGORIES = [
    ("trantibum", "keributan", "Keributan/perkelahian"),
    ("trantibum", "mabuk", "Mabuk di tempat umum"),
    ("trantibum", "balap-liar", "Balap liar"),
    ("trantibum", "orang-terlantar", "Orang terlantar/ODGJ di tempat umum"),
    ("trantibum", "gangguan-lain", "Gangguan ketertiban lainnya"),
    ("perda", "pkl", "Pedagang kaki lima di tempat terlarang"),
    ("perda", "bangunan-tanpa-izin", "Bangunan tanpa izin"),
    ("perda", "reklame", "Reklame/spanduk liar"),
    ("perda", "hiburan-malam", "Tempat hiburan/jam operasional"),
    ("perda", "minuman-beralkohol", "Peredaran minuman beralkohol"),
    ("perda", "sampah", "Pembuangan sampah sembarangan"),
    ("perda", "perda-lain", "Pelanggaran Perda/Perkada lainnya"),
    ("information", "tugas-fungsi", "Tugas, fungsi dan kewenangan Satpol PP"),
    ("information", "program", "Program Satpol PP"),
    ("information", "cara-melapor", "Cara menyampaikan aduan"),
]
