"""Micro-benchmark of the cleaning stage: prints µs per article, never asserts.

    python bench/cleaning.py              # the built-in 2.4 KB sample
    python bench/cleaning.py FILE ...     # plain-text articles of your own
    python bench/cleaning.py --fixtures   # also: the test fixtures, rotating

Figures: ``clean()`` with language id, ``clean()`` without it (language id replaced by
a constant), and each step on its own, best of several rounds, one core. The same article
over and over keeps the language model's tables in the CPU caches; ``--fixtures`` cleans
eight articles in turn (seven languages), closer to a running pipeline.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest import mock

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from streams.cleaning import pipeline  # noqa: E402
from streams.cleaning.boilerplate import strip_boilerplate  # noqa: E402
from streams.cleaning.fingerprint import simhash  # noqa: E402
from streams.cleaning.ids import article_id  # noqa: E402
from streams.cleaning.language import detect_language, load_model  # noqa: E402
from streams.cleaning.normalize import normalize_lines  # noqa: E402
from streams.cleaning.segment import segment  # noqa: E402
from streams.models import RawArticle  # noqa: E402

# An invented Indonesian article (2.5 KB) with the usual boilerplate.
SAMPLE = """\
Pemerintah Provinsi Jawa Tengah menetapkan status tanggap darurat banjir selama 14 hari setelah hujan \
deras mengguyur wilayah pesisir utara sejak Senin malam. Sedikitnya 3.200 warga mengungsi ke balai desa, \
masjid, dan gedung sekolah di empat kecamatan.
| Warga menyeberangi jalan yang tergenang di Kabupaten Demak, Selasa (12/3). (Foto: Antara) |
Kepala Badan Penanggulangan Bencana Daerah, Dr. Sri Wahyuni, mengatakan ketinggian air di sejumlah desa \
mencapai 1,5 meter. "Kami sudah mengerahkan 40 perahu karet dan membuka dapur umum di enam titik. Bantuan \
logistik akan terus ditambah," kata dia di Semarang.
[iklan_1]
Menurut data sementara, banjir merendam 27 desa. Jalur pantura sempat ditutup selama enam jam karena \
genangan setinggi 40 sentimeter, sehingga antrean kendaraan mengular hingga 8 kilometer ke arah timur.
Gubernur meminta warga yang tinggal di bantaran sungai tetap waspada. "Curah hujan diperkirakan masih \
tinggi hingga akhir pekan." kata juru bicara pemerintah provinsi, Budi Santoso, kepada wartawan.
Dinas Kesehatan membuka posko kesehatan di setiap lokasi pengungsian. Petugas mencatat ratusan warga \
mengeluhkan gatal-gatal dan diare, sementara persediaan air bersih mulai menipis di dua desa.
Sejumlah sekolah meliburkan siswa hingga Jumat karena ruang kelas digunakan sebagai tempat pengungsian. \
Dinas Pendidikan menyatakan kegiatan belajar akan dilanjutkan secara daring bila genangan belum surut.
Badan Meteorologi, Klimatologi, dan Geofisika (BMKG) memperkirakan hujan lebat masih akan turun hingga \
16 Maret. Warga diminta menghindari aktivitas di dekat tanggul dan segera melapor bila melihat retakan.
Pemerintah pusat menyatakan siap mengirim bantuan tambahan. Menteri Sosial dijadwalkan meninjau lokasi \
pengungsian pada Kamis dan menyerahkan bantuan berupa makanan siap saji, selimut, serta perlengkapan bayi.
Para petani mengaku khawatir gagal panen karena sawah siap panen terendam selama lebih dari tiga hari. \
Dinas Pertanian masih menghitung luas lahan yang rusak dan nilai kerugiannya.
Pengamat tata ruang dari sebuah universitas di Semarang menilai banjir tahunan itu diperparah oleh \
penurunan muka tanah dan alih fungsi lahan di kawasan hulu. Ia meminta pemerintah daerah meninjau ulang \
izin pembangunan perumahan di daerah resapan air.
Sumber: https://berita.example.id/daerah/2024/03/12/banjir-demak-tanggap-darurat



Komentar (0)"""

NOW = datetime(2024, 3, 12, tzinfo=UTC)


def best_us(fn: Callable[[], Any], rounds: int = 7, number: int = 300) -> float:
    """Best mean time per call, in microseconds."""
    fn()
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - start) / number)
    return best * 1e6


def _constant_language(text: str, hint: str | None = None) -> tuple[str, float]:
    return "id", 1.0


def report(body: str, label: str) -> None:
    raw = RawArticle(body=body, url="https://berita.example.id/a", language="id")
    article = pipeline.clean(raw, now=NOW)
    lines = normalize_lines(body)
    kept = strip_boilerplate(lines).lines
    text = "\n".join(kept)
    print(f"{label}: {len(body)} characters raw, {len(text)} clean, {len(article.sentences)} sentences")
    with_lid = best_us(lambda: pipeline.clean(raw, now=NOW))
    with mock.patch.object(pipeline, "detect_language", _constant_language):
        without_lid = best_us(lambda: pipeline.clean(raw, now=NOW))
    print(f"  clean() with language id     {with_lid:8.1f} µs/article")
    print(f"  clean() without language id  {without_lid:8.1f} µs/article")
    steps: list[tuple[str, Callable[[], Any]]] = [
        ("normalize_lines", lambda: normalize_lines(body)),
        ("strip_boilerplate", lambda: strip_boilerplate(lines)),
        ("detect_language", lambda: detect_language(text, "id")),
        ("segment", lambda: segment(text, "id")),
        ("simhash", lambda: simhash(text)),
        ("article_id", lambda: article_id(None, "https://berita.example.id/a", text)),
    ]
    for name, fn in steps:
        print(f"    {name:26s} {best_us(fn):8.1f} µs")


def rotating(bodies: list[str]) -> None:
    raws = [RawArticle(body=body) for body in bodies]

    def run_all() -> None:
        for raw in raws:
            pipeline.clean(raw, now=NOW)

    size = sum(map(len, bodies)) / len(bodies)
    with_lid = best_us(run_all, rounds=15, number=20) / len(raws)
    with mock.patch.object(pipeline, "detect_language", _constant_language):
        without_lid = best_us(run_all, rounds=15, number=20) / len(raws)
    print(f"{len(raws)} articles in turn, {size:.0f} characters on average:")
    print(f"  clean() with language id     {with_lid:8.1f} µs/article")
    print(f"  clean() without language id  {without_lid:8.1f} µs/article")


def main(argv: list[str]) -> None:
    start = time.perf_counter()
    load_model()
    print(f"language model loaded in {time.perf_counter() - start:.2f} s")
    fixtures = "--fixtures" in argv
    paths = [a for a in argv if a != "--fixtures"]
    for path in paths:
        report(Path(path).read_text(encoding="utf-8"), path)
    if not paths:
        report(SAMPLE, "built-in sample")
    if fixtures:
        from tests.unit.test_cleaning_fixtures import ARTICLES

        rotating([*ARTICLES.values(), SAMPLE])


if __name__ == "__main__":
    main(sys.argv[1:])
