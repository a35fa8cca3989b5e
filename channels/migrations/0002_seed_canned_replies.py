"""Canned replies for the Operator's inbox: the questions citizens ask most. Administrators edit them in the admin."""

from django.db import migrations

SIGNATURE = "\n\n— Satpol PP Kab. Balangan"
REPLIES = [
    (
        10,
        "Tugas Satpol PP",
        "Satpol PP Kabupaten Balangan menegakkan Peraturan Daerah dan Peraturan Bupati serta menjaga ketenteraman "
        "dan ketertiban umum: misalnya keributan, pedagang yang mengganggu jalan atau trotoar, reklame tanpa izin, "
        "balap liar, dan tempat usaha yang melanggar jam operasional. Laporan kejahatan (pencurian, penganiayaan) "
        "mohon disampaikan ke Kepolisian (110)." + SIGNATURE,
    ),
    (
        20,
        "Cara melapor",
        "Untuk melapor, kirim di sini: apa yang terjadi, di mana (kecamatan, desa, patokan terdekat) dan kapan. "
        "Bila bisa, kirim juga foto dan bagikan lokasi. Laporan juga dapat disampaikan langsung di kantor "
        "kecamatan atau Markas Satpol PP. Setelah dicatat, Anda menerima kode lacak." + SIGNATURE,
    ),
    (
        30,
        "Data yang diperlukan",
        "Agar aduan dapat kami tindak lanjuti, mohon lengkapi: 1) uraian kejadian, 2) lokasi (kecamatan, desa, "
        "alamat atau patokan, atau bagikan lokasi), 3) waktu kejadian, 4) foto bila ada, 5) nama dan nomor yang "
        "dapat dihubungi. Identitas Anda dapat kami rahasiakan bila diminta." + SIGNATURE,
    ),
    (
        40,
        "Melacak aduan",
        "Anda dapat menanyakan perkembangan aduan kapan saja dengan mengirim kode lacaknya (contoh: ABCDE-12345) "
        "ke nomor ini. Kami juga akan mengabari Anda di sini ketika aduan selesai ditangani." + SIGNATURE,
    ),
]


def seed(apps, schema_editor):
    CannedReply = apps.get_model("channels", "CannedReply")
    for sort_order, title, body in REPLIES:
        CannedReply.objects.get_or_create(title=title, defaults={"body": body, "sort_order": sort_order})


def unseed(apps, schema_editor):
    CannedReply = apps.get_model("channels", "CannedReply")
    CannedReply.objects.filter(title__in=[title for _, title, _ in REPLIES]).delete()


class Migration(migrations.Migration):

    dependencies = [("channels", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
