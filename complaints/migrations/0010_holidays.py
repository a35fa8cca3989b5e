# Written by hand (issue 15.5): the holiday calendar and its 2026 rows, whatever else the models hold meanwhile.

from django.db import migrations, models

# Keputusan Bersama Menteri Agama, Menteri Ketenagakerjaan, dan Menteri PANRB Nomor 1497 Tahun 2025, Nomor 2 Tahun
# 2025, Nomor 5 Tahun 2025 tentang Hari Libur Nasional dan Cuti Bersama Tahun 2026 (signed 19 September 2025):
# 17 national holidays and 8 collective leave days. 2027's decree was not found when this was written: an
# administrator adds its days in the admin ("Hari libur") once it is published.
SOURCE_2026 = "SKB Menag, Menaker, MenPANRB No. 1497, 2, 5 Tahun 2025"
NATIONAL_2026 = [
    ("2026-01-01", "Tahun Baru 2026 Masehi"),
    ("2026-01-16", "Isra Mikraj Nabi Muhammad SAW"),
    ("2026-02-17", "Tahun Baru Imlek 2577 Kongzili"),
    ("2026-03-19", "Hari Suci Nyepi (Tahun Baru Saka 1948)"),
    ("2026-03-21", "Idulfitri 1447 Hijriah"),
    ("2026-03-22", "Idulfitri 1447 Hijriah"),
    ("2026-04-03", "Wafat Yesus Kristus"),
    ("2026-04-05", "Kebangkitan Yesus Kristus (Paskah)"),
    ("2026-05-01", "Hari Buruh Internasional"),
    ("2026-05-14", "Kenaikan Yesus Kristus"),
    ("2026-05-27", "Iduladha 1447 Hijriah"),
    ("2026-05-31", "Hari Raya Waisak 2570 BE"),
    ("2026-06-01", "Hari Lahir Pancasila"),
    ("2026-06-16", "1 Muharam Tahun Baru Islam 1448 Hijriah"),
    ("2026-08-17", "Proklamasi Kemerdekaan"),
    ("2026-08-25", "Maulid Nabi Muhammad SAW"),
    ("2026-12-25", "Kelahiran Yesus Kristus"),
]
COLLECTIVE_LEAVE_2026 = [
    ("2026-02-16", "Cuti bersama Tahun Baru Imlek 2577 Kongzili"),
    ("2026-03-18", "Cuti bersama Hari Suci Nyepi (Tahun Baru Saka 1948)"),
    ("2026-03-20", "Cuti bersama Idulfitri 1447 Hijriah"),
    ("2026-03-23", "Cuti bersama Idulfitri 1447 Hijriah"),
    ("2026-03-24", "Cuti bersama Idulfitri 1447 Hijriah"),
    ("2026-05-15", "Cuti bersama Kenaikan Yesus Kristus"),
    ("2026-05-28", "Cuti bersama Iduladha 1447 Hijriah"),
    ("2026-12-24", "Cuti bersama Kelahiran Yesus Kristus"),
]


def seed(apps, schema_editor):
    Holiday = apps.get_model("complaints", "Holiday")
    rows = [(day, name, "national") for day, name in NATIONAL_2026]
    rows += [(day, name, "collective_leave") for day, name in COLLECTIVE_LEAVE_2026]
    for day, name, kind in rows:
        Holiday.objects.get_or_create(date=day, defaults={"name": name, "kind": kind, "source": SOURCE_2026})


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0009_intake_fingerprint'),
    ]

    operations = [
        migrations.CreateModel(
            name='Holiday',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('date', models.DateField(unique=True, verbose_name='tanggal')),
                ('name', models.CharField(max_length=150, verbose_name='nama')),
                ('kind', models.CharField(choices=[('national', 'Libur nasional'), ('collective_leave', 'Cuti bersama'), ('regional', 'Libur daerah')], default='national', max_length=20, verbose_name='jenis')),
                ('source', models.CharField(blank=True, help_text='Mis. SKB Menteri Agama, Menteri Ketenagakerjaan, dan Menteri PANRB Nomor 1497, 2, 5 Tahun 2025.', max_length=200, verbose_name='dasar penetapan')),
            ],
            options={
                'verbose_name': 'hari libur',
                'verbose_name_plural': 'hari libur',
                'ordering': ['date'],
            },
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
