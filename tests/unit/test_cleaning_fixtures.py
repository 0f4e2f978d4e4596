"""Invented news articles used by the cleaning tests (and the cleaning micro-benchmark).

Every story, name, figure and URL here is made up for the tests.
"""

from __future__ import annotations

ARTICLE_ID = """\
Pemerintah Provinsi Jawa Tengah menetapkan status tanggap darurat banjir selama 14 hari setelah \
hujan deras mengguyur wilayah pesisir utara sejak Senin malam. Sedikitnya 3.200 warga mengungsi ke \
balai desa, masjid, dan gedung sekolah.
| Warga menyeberangi jalan yang tergenang di Kabupaten Demak, Selasa (12/3). (Foto: Antara) |
Kepala Badan Penanggulangan Bencana Daerah Jawa Tengah, Dr. Sri Wahyuni, mengatakan ketinggian air di \
sejumlah desa mencapai 1,5 meter. "Kami sudah mengerahkan 40 perahu karet dan membuka dapur umum di \
enam titik. Bantuan logistik akan terus ditambah," kata dia di Semarang.
[iklan_1]
Menurut data sementara, banjir merendam 27 desa di empat kecamatan. Jalur pantura sempat ditutup \
selama enam jam karena genangan setinggi 40 sentimeter, sehingga antrean kendaraan mengular hingga \
8 kilometer.
Gubernur meminta warga yang tinggal di bantaran sungai tetap waspada. "Curah hujan diperkirakan masih \
tinggi hingga akhir pekan." kata juru bicara pemerintah provinsi, Budi Santoso.
Badan Meteorologi, Klimatologi, dan Geofisika (BMKG) memperkirakan hujan lebat masih akan turun hingga \
16 Maret. Warga diminta menghindari aktivitas di dekat tanggul dan segera melapor bila melihat retakan.
Sumber: https://berita.example.id/daerah/2024/03/12/banjir-demak-tanggap-darurat



Komentar (0)"""

ARTICLE_VI = """\
Chính phủ Nhật Bản ngày 5/3 công bố gói hỗ trợ trị giá 2,3 tỷ USD dành cho các doanh nghiệp nhỏ và \
vừa bị ảnh hưởng bởi giá năng lượng tăng cao. Đây là gói hỗ trợ thứ ba trong vòng một năm.
Theo Bộ Kinh tế, Thương mại và Công nghiệp Nhật Bản, khoản tiền này sẽ được giải ngân trong quý II, \
ưu tiên các cơ sở sản xuất ở những địa phương chịu thiệt hại nặng nề nhất.
"Chúng tôi muốn bảo đảm rằng không doanh nghiệp nào phải đóng cửa chỉ vì hóa đơn tiền điện," Bộ \
trưởng Kinh tế nói trong cuộc họp báo tại Tokyo.
[quảng cáo]
Các chuyên gia cho rằng gói hỗ trợ sẽ giúp ổn định thị trường lao động, nhưng cảnh báo rằng ngân sách \
nhà nước đang chịu áp lực lớn. PGS. TS. Lê Minh Tuấn, giảng viên tại TP. Hồ Chí Minh, nhận định chính \
sách này cần đi kèm cải cách dài hạn.
Nguồn: https://tin.example.vn/kinh-te/goi-ho-tro-nhat-ban-2024-123456.html
Bình luận (0)"""

ARTICLE_DE = """\
Das Auswärtige Amt hat am 25. Oktober vor einer weiteren Eskalation an der Grenze gewarnt. Eine \
Sprecherin sagte in Berlin, man beobachte die Lage „mit großer Sorge“.
Die Bundesregierung rief beide Seiten auf, die Gespräche wieder aufzunehmen. Zuvor hatten Beobachter \
z. B. von Truppenbewegungen bzw. neuen Stellungen nahe der Grenze berichtet.
[Anzeige]
Nach Angaben von Dr. Martin Vogel, einem Experten der Stiftung für Sicherheitspolitik, ist die Lage \
ernster als im Frühjahr. „Wir sehen erstmals schwere Waffen in unmittelbarer Nähe der Dörfer“, sagte \
Vogel.
Der Bundestag will sich in der kommenden Sitzungswoche mit dem Thema befassen. Die Opposition fordert \
eine Regierungserklärung.
Quelle: https://nachrichten.example.de/politik/grenze-eskalation-100.html
Kommentare (5)"""

ARTICLE_RU = """\
Министерство иностранных дел России в четверг заявило, что не будет комментировать сообщения о новых \
переговорах. Официальный представитель ведомства сказала журналистам, что «все вопросы будут решаться \
по дипломатическим каналам».
По данным агентства, встреча экспертов состоялась в 2023 г. в Женеве, т. е. более года назад. В ней \
участвовали представители пяти стран, в т. ч. Китая и Индии.
Заместитель министра С. Петров подчеркнул, что Москва «открыта для диалога», но не готова обсуждать \
условия публично.
[реклама]
Аналитики считают, что стороны вряд ли договорятся до конца года. Экономические последствия \
конфликта, по их оценкам, уже превысили 40 млрд долларов.
Источник: https://novosti.example.ru/politika/2024/03/12/peregovory
Комментарии (4)"""

ARTICLE_FR = """\
Le gouvernement français a annoncé mardi un plan de 500 millions d'euros pour moderniser les réseaux \
ferroviaires régionaux. Selon le ministre des Transports, les travaux commenceront dès l'automne.
« Nous voulons que chaque habitant puisse rejoindre une grande ville en moins d'une heure », a déclaré \
le ministre lors d'une conférence de presse à Paris.
[publicité]
Les syndicats ont salué une « avancée », tout en regrettant l'absence de calendrier précis. M. Dupont, \
représentant des cheminots, a appelé à la vigilance.
Les régions devront cofinancer les projets, ce qui inquiète certains élus locaux.
Source : AFP
Commentaires (3)"""

ARTICLE_ES = """\
El Gobierno de España aprobó el martes un paquete de ayudas de 1.200 millones de euros para los \
agricultores afectados por la sequía. La medida beneficiará a unas 90.000 explotaciones, según el \
Ministerio de Agricultura.
"Es una respuesta a una situación excepcional", afirmó el ministro en rueda de prensa. El Sr. García, \
portavoz de una organización agraria, calificó el plan de insuficiente.
[publicidad]
Las comunidades autónomas deberán gestionar las solicitudes antes del 30 de junio. Los expertos \
advierten de que la sequía podría prolongarse hasta el otoño.
Fuente: EFE
Comentarios (2)"""

ARTICLE_EN = """\
The U.S. State Department said on Tuesday it was "deeply concerned" by reports of new troop movements \
near the border. Mr. Daniel Brooks, a department spokesman, told reporters the United States was in \
close contact with its allies.
"We urge all parties to exercise restraint and return to talks," Brooks said. He declined to say \
whether sanctions were being considered.
[ads]
Analysts said the statement marked a shift in tone. Dr. Ellen Park of the Institute for Regional \
Studies said the language was "notably sharper than a month ago."
Markets reacted calmly, with the regional index down 0.4 percent by midday.
Source: Reuters
Comments (12)"""

ARTICLES = {
    "id": ARTICLE_ID,
    "vi": ARTICLE_VI,
    "de": ARTICLE_DE,
    "ru": ARTICLE_RU,
    "fr": ARTICLE_FR,
    "es": ARTICLE_ES,
    "en": ARTICLE_EN,
}

HTML_PAGE = """\
<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Port strike enters second week | Example News</title>
<style>body { font-family: sans-serif }</style>
<script>window.dataLayer = []; var note = "Subscribe now.";</script>
</head>
<body>
<header><a href="/">Example News</a>
<nav><ul><li><a href="/world">World</a></li><li><a href="/business">Business</a></li></ul></nav>
</header>
<main>
<article>
<h1>Port strike enters second week</h1>
<p>Dock workers at the country&#39;s largest container port extended their strike into a second
   week on Monday, leaving more than 60 ships waiting offshore.</p>
<figure><img src="ships.jpg" alt=""><figcaption>Container ships wait outside the harbour on Sunday.
Photo: Reuters</figcaption></figure>
<p>The union said talks with port operators had broken down over pay. &ldquo;We will stay out until
there is a fair offer,&rdquo; a union leader told a rally of about 2,000 workers.</p>
<div class="ad"><script>showAd()</script><noscript>Please enable JavaScript</noscript></div>
<p>The transport ministry warned that fuel and food deliveries could be delayed if the strike
continued.<br>Exporters say they are losing <b>millions</b> of dollars a day.</p>
<p hidden>Hidden teaser text</p>
<aside><h2>Related</h2><ul><li>Rail strike called off</li></ul></aside>
</article>
</main>
<footer><p>&copy; 2024 Example News. All rights reserved.</p>
<form><input name="q"><button>Search</button></form></footer>
</body></html>
"""

# one or two sentences per language, for language identification
SHORT_TEXTS = {
    "id": "Presiden meminta para menteri mempercepat penyaluran bantuan sosial sebelum bulan puasa.",
    "en": "The minister said the government would not raise taxes this year.",
    "vi": "Bộ trưởng cho biết chính phủ sẽ không tăng thuế trong năm nay.",
    "de": "Der Minister sagte, die Regierung werde die Steuern in diesem Jahr nicht erhöhen.",
    "fr": "Le ministre a déclaré que le gouvernement n'augmenterait pas les impôts cette année.",
    "es": "El ministro dijo que el gobierno no subirá los impuestos este año.",
    "ru": "Министр заявил, что правительство не будет повышать налоги в этом году.",
}


# articles that open with a quote in English: the language is the reporter's, not the quote's
_QUOTE = '"We are deeply concerned about the latest reports and urge all parties to show restraint," '
QUOTE_FIRST = {
    "id": _QUOTE + "kata juru bicara Dewan Keamanan Nasional AS dalam konferensi pers di Washington pada "
    "Jumat. Pernyataan itu disampaikan setelah pemerintah menerima laporan baru tentang pergerakan pasukan "
    "di dekat perbatasan.",
    "vi": _QUOTE + "người phát ngôn Hội đồng An ninh Quốc gia Mỹ nói trong cuộc họp báo tại Washington hôm "
    "thứ Sáu. Tuyên bố được đưa ra sau khi chính phủ nhận được báo cáo mới về việc di chuyển quân đội gần "
    "biên giới.",
    "de": _QUOTE + "sagte ein Sprecher des Nationalen Sicherheitsrats der USA am Freitag in Washington. Die "
    "Erklärung erfolgte, nachdem die Regierung neue Berichte über Truppenbewegungen nahe der Grenze "
    "erhalten hatte.",
    "fr": _QUOTE + "a déclaré vendredi un porte-parole du Conseil de sécurité nationale américain à "
    "Washington. Cette déclaration intervient après que le gouvernement a reçu de nouveaux rapports sur "
    "des mouvements de troupes près de la frontière.",
    "es": _QUOTE + "dijo el viernes en Washington un portavoz del Consejo de Seguridad Nacional de Estados "
    "Unidos. La declaración se produjo después de que el gobierno recibiera nuevos informes sobre "
    "movimientos de tropas cerca de la frontera.",
    "ru": _QUOTE + "заявил в пятницу в Вашингтоне представитель Совета национальной безопасности США. "
    "Заявление прозвучало после того, как правительство получило новые сообщения о передвижении войск "
    "вблизи границы.",
}


def test_fixtures_are_distinct() -> None:
    assert len(set(ARTICLES.values())) == len(ARTICLES)
