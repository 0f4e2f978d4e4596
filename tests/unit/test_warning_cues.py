"""Warning, threat and retaliation phrasing across languages: the paradigms the term lexicons
must cover (reported-speech conditionals, "will not go unanswered", the kind of a response,
a direct clash), each with a near miss that must stay quiet. Sentences written for these tests."""

from __future__ import annotations

import pytest

from streams import stages
from streams.pipeline import Pipeline


def _rules(pipeline: Pipeline, body: str, lang: str) -> set[str]:
    pipeline.alerts.clear()
    pipeline.state.clear()
    pipeline.duplicates.__init__()  # type: ignore[misc]
    result = pipeline.process(stages.parse_raw({"id": "w1", "body": body, "language": lang}))
    return {a.rule.id for a in result.alerts if not a.speakers}


FIRES = [
    # an act that will not be left without an answer
    ("en", "The Kremlin warned that such a step against Russia would not go unanswered."),
    ("en", "Iran's foreign minister warned Israel that any aggression will not go unpunished."),
    # the kind of the answer
    ("en", "The Russian foreign ministry warned of a symmetrical response to the new US missiles."),
    ("en", "Russia's defence minister said Moscow would give a proportional response to any NATO attack."),
    ("en", "The Kremlin warned that the strikes risked a direct clash between Russia and NATO."),
    # French and Spanish put a reported threat in the conditional
    ("fr", "Le ministère russe des Affaires étrangères a averti que cette attaque ne resterait pas sans réponse."),
    ("fr", "Le Kremlin a prévenu que toute provocation de l'Otan ne resterait pas impunie."),
    ("fr", "Le ministre iranien des Affaires étrangères a averti qu'Israël le paierait cher."),
    ("fr", "Le porte-parole du Kremlin a averti que les pays de l'Otan deviendraient parties au conflit."),
    ("es", "El Ministerio de Asuntos Exteriores ruso advirtió que el ataque no quedaría sin respuesta."),
    ("es", "El canciller iraní advirtió que Israel lo pagaría caro."),
    ("es", "El canciller iraní advirtió que Israel se arrepentiría de cualquier nuevo ataque."),
    ("es", "La cancillería rusa prometió una respuesta simétrica al despliegue de misiles estadounidenses."),
    ("pl", "Kreml ostrzegł, że taki krok wobec Rosji nie pozostanie bez odpowiedzi."),
    ("pl", "Kreml ostrzegł, że doprowadzi to do bezpośredniego starcia Rosji z NATO."),
    ("uk", "Кремль попередив, що це призведе до прямого зіткнення Росії з НАТО."),
    ("ar", "حذرت وزارة الخارجية الروسية من أن الهجوم على قواتها لن يمر دون رد."),
    ("id", "Kementerian Luar Negeri China memperingatkan AS agar tidak bermain api soal Taiwan."),
    ("id", "Korea Utara memperingatkan bahwa AS akan menghadapi serangan balik yang kuat."),
    ("id", "Kremlin memperingatkan bahwa hal itu akan memicu bentrokan langsung antara Rusia dan NATO."),
    ("ko", "러시아 외무부는 러시아와 나토의 직접 충돌로 이어질 것이라고 경고했다."),
    ("ko", "러시아 외무부는 미국의 미사일 배치에 상응하는 대응을 하겠다고 경고했다."),
    ("ja", "ロシア外務省は、ロシアとNATOの直接衝突につながると警告した。"),
    # "far from calming": the de-escalation word is denied, not said
    ("es", "Lejos de calmar los ánimos, el presidente de Irán prometió venganza contra Estados Unidos."),
    # an answer promised (weak words that count with a warning verb and a target)
    ("uk", "МЗС Росії попередило, що Москва дасть відповідь на розміщення ракет США."),
    ("pl", "Rosyjskie MSZ ostrzegło, że Moskwa zareaguje na rozmieszczenie amerykańskich rakiet."),
    ("ar", "حذرت وزارة الخارجية الإيرانية من أن إيران لن تتردد في الدفاع عن نفسها أمام إسرائيل."),
    ("ko", "북한 외무성은 미국이 도발을 계속하면 전쟁도 불사하겠다고 경고했다."),
    # "(warned X) not to play with fire / cross red lines": the negation belongs to the prohibition
    ("en", "The Chinese foreign ministry warned Washington not to cross red lines over Taiwan."),
    ("en", "The Chinese foreign ministry warned Washington not to play with fire."),
    ("pl", "Chińskie MSZ ostrzegło USA, by nie igrały z ogniem w sprawie Tajwanu."),
    ("uk", "МЗС Китаю попередило США не гратися з вогнем щодо Тайваню."),
    ("es", "La cancillería china advirtió a Estados Unidos que no juegue con fuego en el estrecho de Taiwán."),
    ("id", "Iran memperingatkan Israel agar tidak salah perhitungan."),
    ("pt", "O Ministério das Relações Exteriores da China alertou Washington para não cruzar a linha vermelha."),
    ("it", "Il ministero degli Esteri cinese ha avvertito Washington di non oltrepassare la linea rossa."),
    ("fr", "Le ministère chinois des Affaires étrangères a averti Washington de ne pas franchir la ligne rouge."),
    ("id", "Menteri Luar Negeri Iran memperingatkan Israel bahwa setiap serangan akan dibalas dengan keras."),
    ("zh", "俄罗斯外交部发言人警告称，向乌克兰提供远程导弹将是严重的升级。"),
    # talks or a ceasefire named as the scene or the object of a threat is no call for calm
    ("en", "During talks with Germany's chancellor, Chinese President Xi Jinping warned that outside "
           "interference over Taiwan would cross a red line."),
    ("zh", "以色列国防部长警告称，如果哈马斯违反停火协议，以色列将予以坚决回击。"),
    ("zh", "朝鲜外务省警告说，如果美韩继续举行联合军演，朝方将采取强有力的对应措施。"),
    # taking the conflict (not relations) to a new level; plural parties to it
    ("en", "Russia's foreign ministry warned that the missile deliveries would take the conflict to a new level."),
    ("fr", "Moscou a averti que ces livraisons porteraient le conflit à un nouveau niveau."),
    ("ko", "러시아 외무부는 미사일 지원이 분쟁을 새로운 단계로 끌어올릴 것이라고 경고했다."),
    ("pl", "Kreml ostrzegł, że państwa NATO staną się uczestnikami konfliktu."),
    ("en", "The Kremlin warned NATO countries that they would become direct participants in the war."),
    ("en", "China's defence ministry warned that it would crush any attempt at Taiwan independence."),
    ("en", "Russia's foreign ministry warned that Moscow would not sit idly by as NATO deployed troops in Ukraine."),
    ("en", "The Kremlin warned that Russia could strike decision-making centres in Kyiv."),
    ("en", "Beijing warned that Taiwan independence means war."),
    # "our answer": the speaker's own state answers (weak: with a warning verb and a target)
    ("es", "El canciller iraní advirtió a Israel que nuestra respuesta será inmediata."),
    ("ar", "حذر وزير الخارجية الإيراني إسرائيل من أن ردنا سيكون مؤلما."),
    # plain "consequences" with a warning verb (pl and uk had only the graded forms)
    ("uk", "МЗС Росії попередило Польщу про наслідки розміщення американських ракет."),
    ("pl", "Rosyjskie MSZ ostrzegło Polskę przed konsekwencjami rozmieszczenia amerykańskich rakiet."),
    ("es", "La cancillería china advirtió que la visita a Taiwán supondría una amenaza para su seguridad."),
    ("ja", "北朝鮮の国防省は、米韓が演習を続ければ対抗措置を取ると警告した。"),
    ("ko", "북한 국방성은 한미가 연합훈련을 계속하면 보복하겠다고 경고했다."),
    ("fr", "Le Kremlin a averti que la Russie répondrait de manière symétrique au déploiement."),
    ("es", "El presidente ruso advirtió que Rusia respondería de forma simétrica."),
    ("pt", "O Kremlin advertiu que o ataque não ficaria sem resposta."),
    ("it", "Il Cremlino ha avvertito che un simile attacco non resterebbe senza risposta."),
    # imperfect and participle forms of the warning verb itself
    ("es", "El canciller iraní advertía que Israel pagaría caro cualquier ataque."),
    ("fr", "Le ministre iranien prévenait qu'Israël paierait cher toute nouvelle attaque."),
    ("uk", "Речник Кремля виступив, попереджаючи, що відправлення військ НАТО стане небезпечною ескалацією."),
]

QUIET = [
    ("en", "Turkey's foreign minister called for an immediate ceasefire and warned of a dangerous escalation."),
    ("en", "The foreign ministry urged both sides to exercise restraint and avoid escalation."),
    ("en", "China's commerce ministry vowed a symmetrical response to the new US tariffs."),
    ("en", "Analysts warned that the strikes risked a direct clash between Russia and NATO."),
    ("fr", "Le ministère français des Affaires étrangères a appelé à la retenue et à la désescalade."),
    ("es", "El Ministerio de Exteriores dijo que España lamentaría que no hubiera acuerdo comercial."),
    ("es", "Pekín advirtió que los aranceles estadounidenses no quedarían sin respuesta."),
    ("pl", "Analitycy ostrzegają, że to może doprowadzić do bezpośredniego starcia Rosji z NATO."),
    ("id", "Kementerian Luar Negeri menyerukan semua pihak untuk menahan diri dan menghindari eskalasi."),
    ("ko", "전문가들은 러시아와 나토의 직접 충돌 가능성을 경고했다."),
    ("en", "The foreign minister said the visit would take relations with Japan to a new level."),
    ("en", "The defence ministry said the new missiles do not cross any red lines."),
    ("en", "Japan's foreign minister said Tokyo would respond calmly to China's seafood import ban."),
    ("en", "The defence ministry said the army had crushed the rebel attack near the border."),
    ("es", "La ministra de Economía dijo que nuestra respuesta a la inflación será firme."),
    ("pl", "Minister finansów ostrzegł przed konsekwencjami inflacji dla cen."),
    # why a past act was done ("in retaliation for the drills") is no threat
    ("ja", "北朝鮮の国防省は、米韓演習への対抗措置として弾道ミサイルを発射したと発表した。"),
    ("ko", "북한 국방성은 한미 연합훈련에 대한 보복으로 탄도미사일을 발사했다고 밝혔다."),
]


@pytest.mark.parametrize(("lang", "text"), FIRES, ids=[f"{c[0]}-{i}" for i, c in enumerate(FIRES)])
def test_warning_fires(pipeline: Pipeline, lang: str, text: str) -> None:
    assert _rules(pipeline, text, lang)


@pytest.mark.parametrize(("lang", "text"), QUIET, ids=[f"{c[0]}-{i}" for i, c in enumerate(QUIET)])
def test_near_miss_stays_quiet(pipeline: Pipeline, lang: str, text: str) -> None:
    assert not _rules(pipeline, text, lang)



def test_a_mirror_threat_is_retaliation_and_reserving_the_right_to_act_is_a_threat(pipeline: Pipeline) -> None:
    mirror = ("Der russische Außenminister Sergej Lawrow warnte, Russland werde eine ähnliche Bedrohung für Polen "
              "schaffen.")
    assert "gov-threatens-retaliation" in _rules(pipeline, mirror, "de")
    right = ("Menteri Luar Negeri Rusia Sergei Lavrov mengatakan Rusia berhak untuk mengambil semua tindakan yang "
             "diperlukan terhadap pasukan Polandia di perbatasan.")
    assert _rules(pipeline, right, "id")
