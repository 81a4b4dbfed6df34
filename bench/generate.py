"""Generate a synthetic pcrcode project for the benchmark.

    python bench/generate.py --interviews 1000 bench/out/p1000

The project looks like the example at the repository root: the same codebook.yaml (and so the same
attribute schema), a registry of structures (about one per four interviews, each interviewed
several times) with a census block that agrees with it, Markdown transcripts of about 60 turns of
French-like text, and two coders (camille, yanis) with about 50 codings per interview each, written
in the exact layout of ``pcrcode.files.codings.render`` with real segment fingerprints. ``pcrcode
check`` is clean on the result. The output is a function of ``--interviews`` and ``--seed`` only.
"""

from __future__ import annotations

import argparse
import calendar
import random
import re
import shutil
import sys
import time
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pcrcode.files.codings import render  # noqa: E402
from pcrcode.model import Coding, fingerprint  # noqa: E402

CODERS = ("camille", "yanis")
INTERVIEWERS = ("Camille Arnaud", "Yanis Benali", "Inès Morel")
# Relative frequencies of the example registry (78 structures).
STATUTS = {"association": 42, "sa": 19, "scop": 6, "scic": 5, "cooperative": 4, "autre": 2}
DOMAINES = {
    "alimentation": 24,
    "habitat": 17,
    "reemploi": 11,
    "transverses": 11,
    "mobilite": 10,
    "energie": 5,
}
CATEGORIE = {
    "association": "associations",
    "scop": "cooperatives",
    "scic": "cooperatives",
    "cooperative": "cooperatives",
    "sa": "sa",
    "autre": "autres",
}
CATEGORIES = ("associations", "cooperatives", "sa", "autres")
FORMES = (
    "forme/echange-informations",
    "forme/partenariat",
    "forme/mutualisation",
    "forme/cooperation",
    "forme/integration",
)
OBJETS = (
    "objet/information-competences",
    "objet/communication-representation",
    "objet/moyens-services-activite",
    "objet/achat-vente",
    "objet/immobilier",
    "objet/personnels",
    "objet/financier",
)
LOGIQUES = (
    "logique/reseau/affinitaire",
    "logique/reseau/politique",
    "logique/territoriale",
    "logique/professionnelle",
)
PORTEES = ("portee/intra-sectorielle", "portee/inter-sectorielle")

PRENOMS = (
    "Martine",
    "Sophie",
    "Julien",
    "Amélie",
    "Karim",
    "Nathalie",
    "Lucas",
    "Élodie",
    "Thomas",
    "Fatou",
    "Pierre",
    "Claire",
    "Mehdi",
    "Hélène",
    "Bruno",
    "Camille",
    "Léa",
    "Olivier",
    "Yasmine",
    "Benoît",
)
ROLES = (
    "coordinatrice",
    "directeur",
    "co-présidente bénévole",
    "gérant",
    "chargée de mission",
    "trésorier",
    "salariée",
    "fondateur",
    "animatrice réseau",
    "responsable technique",
)
COMMUNES = (
    "Grenoble",
    "Échirolles",
    "Saint-Martin-d'Hères",
    "Fontaine",
    "Meylan",
    "Voiron",
    "Pont-de-Claix",
    "Seyssinet-Pariset",
    "Vizille",
    "Crolles",
    "Venon",
    "Sassenage",
)
PREFIXES = (
    "Les Ateliers",
    "La Coopérative",
    "Le Réseau",
    "L'Épicerie",
    "La Maison",
    "Le Collectif",
    "Les Jardins",
    "La Recyclerie",
    "L'Atelier",
    "Le Comptoir",
)
SUFFIXES = (
    "du Drac",
    "de Belledonne",
    "des Cimes",
    "du Vercors",
    "de l'Isère",
    "des Alpes",
    "de la Bastille",
    "du Grésivaudan",
    "de Chartreuse",
    "solidaire",
    "partagé",
    "en commun",
    "des Possibles",
    "du Trièves",
)
ACTIVITES = (
    "épicerie solidaire",
    "réparation de vélos",
    "maraîchage biologique",
    "éco-construction",
    "distribution de produits paysans",
    "recyclerie",
    "autopartage",
    "fourniture d'électricité renouvelable",
    "habitat participatif",
    "accompagnement de porteurs de projets",
    "restauration collective",
    "couveuse d'activités",
)

# French-like prose: subjects, verbs, objects and tails combined at random.
SUJETS = (
    "on",
    "nous on",
    "avec l'autre asso on",
    "la coopérative",
    "le réseau",
    "les bénévoles",
    "notre conseil d'administration",
    "le collectif",
    "les salariés",
    "l'équipe",
    "la mairie",
    "nos adhérents",
    "les producteurs",
    "le cluster",
)
VERBES = (
    "a monté",
    "partage",
    "mutualise",
    "a repris",
    "organise",
    "finance",
    "loue",
    "achète en commun",
    "échange",
    "discute de",
    "a mis en place",
    "coordonne",
    "gère avec eux",
    "prête",
    "a créé",
    "porte",
    "anime",
    "cherche",
)
OBJETS_TXT = (
    "un local de stockage",
    "la comptabilité",
    "un poste de coordinatrice",
    "les commandes groupées",
    "un camion frigorifique",
    "une lettre d'information",
    "les formations des bénévoles",
    "un site internet commun",
    "la trésorerie",
    "un groupement d'employeurs",
    "les achats de matériel",
    "une salle de réunion",
    "un stand au forum",
    "les appels à projets",
    "le diagnostic énergétique",
    "un atelier partagé",
    "une plateforme logistique",
    "les permanences",
    "le tri des dons",
    "une étude de marché",
    "la communication",
    "un entrepôt",
)
QUEUES = (
    "depuis deux ans",
    "avec la Scop voisine",
    "mais c'est compliqué",
    "hein",
    "enfin je crois",
    "pour faire des économies",
    "parce qu'on se connaît bien",
    "avec le soutien de la Métropole",
    "à tour de rôle",
    "sans structure commune",
    "c'est vraiment du donnant-donnant",
    "au niveau du territoire",
    "entre acteurs du réemploi",
    "avec d'autres secteurs",
    "pour peser face aux institutions",
    "et ça marche plutôt bien",
    "[rires]",
    "— enfin, pas toujours",
    "sur le quartier",
    "avec des gens qui partagent nos valeurs",
    "et on a gardé chacun notre autonomie",
    "pour des œufs et du fromage",
    "dans le cadre d'un contrat",
    "à l'échelle de l'agglomération",
)
AMORCES = (
    "Alors",
    "Ben",
    "Euh",
    "Oui alors",
    "En fait",
    "Bon",
    "Disons que",
    "Au début",
    "Honnêtement",
    "Concrètement",
    "Voilà",
    "Non mais",
)
QUESTIONS = (
    "Et avec les autres structures, vous avez des liens ?",
    "Comment ça s'organise, concrètement ?",
    "Pourquoi ces partenaires-là ?",
    "Vous mettez des moyens en commun ?",
    "Qui décide, dans ce cas ?",
    "Ça a commencé comment ?",
    "Et les salariés, ils sont partagés ?",
    "Il y a une convention, un contrat ?",
    "Qu'est-ce que ça vous apporte ?",
    "Et la Métropole, elle intervient ?",
    "Vous diriez que c'est une coopération ?",
    "Et financièrement ?",
    "Vous avez pensé à aller plus loin ?",
    "D'accord. Et le local ?",
    "Ça concerne d'autres secteurs ?",
)


def weighted(rng: random.Random, table: dict[str, int]) -> str:
    return rng.choices(list(table), weights=list(table.values()))[0]


def sentence(rng: random.Random) -> str:
    words = [rng.choice(SUJETS), rng.choice(VERBES), rng.choice(OBJETS_TXT)]
    if rng.random() < 0.7:
        words.append(rng.choice(QUEUES))
    if rng.random() < 0.4:
        words.insert(0, rng.choice(AMORCES) + ",")
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice((".", ".", ".", "...", " !"))


def answer(rng: random.Random) -> list[str]:
    """An answer: one paragraph, sometimes two (a continuation paragraph)."""
    paragraphs = [" ".join(sentence(rng) for _ in range(rng.randint(2, 4)))]
    if rng.random() < 0.15:
        paragraphs.append(" ".join(sentence(rng) for _ in range(rng.randint(1, 2))))
    return paragraphs


def structures(rng: random.Random, count: int) -> list[dict[str, object]]:
    result = []
    seen: set[str] = set()
    for i in range(count):
        name = f"{rng.choice(PREFIXES)} {rng.choice(SUFFIXES)}"
        sid = f"s{i + 1:05d}"
        seen.add(sid)
        result.append(
            {
                "id": sid,
                "name": f"{name} ({i + 1})",
                "statut": weighted(rng, STATUTS),
                "domaine": weighted(rng, DOMAINES),
                "creation": rng.randint(1985, 2024),
                "salaries": rng.randint(0, 40),
                "commune": rng.choice(COMMUNES),
                "activite": rng.choice(ACTIVITES),
            }
        )
    return result


def registry_text(items: list[dict[str, object]]) -> str:
    out = ["# Registre synthétique généré par bench/generate.py.", "pcrcode: 1", "structures:"]
    for s in items:
        out += [
            f"  - id: {s['id']}",
            f'    name: "{s["name"]}"',
            f"    statut: {s['statut']}",
            f"    domaine: {s['domaine']}",
            "    interviewed: true",
            "    attributes:",
            f"      creation: {s['creation']}",
            f"      salaries: {s['salaries']}",
            f'      commune: "{s["commune"]}"',
            f"      activite: {s['activite']}",
        ]
    cells: dict[str, dict[str, int]] = {}
    for s in items:
        for row in (str(s["domaine"]), "total"):
            for col in (CATEGORIE[str(s["statut"])], "total"):
                cells.setdefault(row, {}).setdefault(col, 0)
                cells[row][col] += 1
    out += [
        "census:",
        "  rows: domaine",
        "  columns: categorie",
        '  source: "Synthetic census computed by bench/generate.py"',
        "  cells:",
    ]
    for row in [*DOMAINES, "total"]:
        if row not in cells:
            continue
        out.append(f"    {row}:")
        for col in [*CATEGORIES, "total"]:
            n = cells[row].get(col, 0)
            out.append(f"      {col}: [{n}, {n}]")
    out += [
        "network:",  # `pcrcode network`: the sector and the scope codes, as in the example
        "  sector: domaine",
        "  scope: portee",
        "  intra: portee/intra-sectorielle",
        "  inter: portee/inter-sectorielle",
    ]
    return "\n".join(out) + "\n"


def interview_text(
    rng: random.Random,
    structure: str,
    day: date,
    turns: int,
) -> tuple[str, list[str]]:
    """The Markdown transcript and the normalised text of each turn (what pcrcode parses)."""
    interviewer = rng.choice(INTERVIEWERS)
    asker = interviewer.split()[0]
    person = rng.choice(PRENOMS)
    lines = [
        "---",
        f"structure: {structure}",
        f"date: {day.isoformat()}",
        f"interviewer: {interviewer}",
        "participants:",
        f"  - name: {person}",
        f"    role: {rng.choice(ROLES)}",
        "language: fr",
        "---",
        "",
    ]
    texts: list[str] = []
    for n in range(turns):
        if n % 2 == 0:
            paragraphs = [rng.choice(QUESTIONS)]
            speaker = asker
        else:
            paragraphs = answer(rng)
            speaker = person
        lines += [f"**{speaker}:** {paragraphs[0]}", ""]
        for extra in paragraphs[1:]:
            lines += [extra, ""]
        texts.append("\n\n".join(paragraphs))
    return "\n".join(lines), texts


def codings_for(
    rng: random.Random,
    iid: str,
    texts: list[str],
    coder: str,
    base: list[tuple[int, list[str]]] | None,
    stamp: list[int],
    others: Sequence[str] = (),
) -> tuple[list[Coding], list[tuple[int, list[str]]]]:
    """About 50 codings: some 15 answers coded with 2 to 5 codes; the second coder starts
    from the first one's segments and disagrees now and then (so agreement is not trivial)."""
    plan: list[tuple[int, list[str]]] = []
    if base is None:
        answers = list(range(2, len(texts) + 1, 2))
        for segment in sorted(rng.sample(answers, min(len(answers), 15))):
            codes = [rng.choice(FORMES), rng.choice(LOGIQUES)]
            codes += rng.sample(OBJETS, rng.randint(0, 2))
            if rng.random() < 0.8:
                codes.append(rng.choice(PORTEES))
            plan.append((segment, codes))
    else:
        for segment, codes in base:
            if rng.random() < 0.1:
                continue
            codes = list(codes)
            if rng.random() < 0.2:
                codes[0] = rng.choice(FORMES)
            if rng.random() < 0.15:
                codes[1] = rng.choice(LOGIQUES)
            plan.append((segment, codes))
    result = []
    # Partners on a third of the coded segments (`tag --with`), drawn apart so that the rest of
    # the corpus is the one the benchmark always generated.
    partner_rng = random.Random(f"{iid}/{coder}")
    for segment, codes in plan:
        named: tuple[str, ...] = ()
        if others and partner_rng.random() < 0.3:
            named = tuple(sorted(partner_rng.sample(list(others), min(len(others), 2))))
        text = texts[segment - 1]
        fp = fingerprint(text)
        stamp[0] += rng.randint(5, 40)
        at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(stamp[0]))
        for k, code in enumerate(dict.fromkeys(codes)):
            memo = ""
            if rng.random() < 0.08:
                memo = f"{sentence(rng)} À revoir avec l'équipe."
            start = end = None
            quote = ""
            if k == 0 and rng.random() < 0.03:
                first = text.split("\n\n")[0]
                cut = first.find(". ")
                if cut > 10:
                    start, end, quote = 0, cut + 1, first[: cut + 1]
            result.append(
                Coding(
                    interview=iid,
                    segment=segment,
                    code=code,
                    coder=coder,
                    at=at,
                    fingerprint=fp,
                    memo=memo,
                    start=start,
                    end=end,
                    quote=quote,
                    partners=named if k == 0 else (),
                )
            )
    return result, plan


def generate(out: Path, interviews: int, seed: int, turns: int = 60) -> None:
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    (out / "interviews").mkdir(parents=True)
    for coder in CODERS:
        (out / "codings" / coder).mkdir(parents=True)
    shutil.copyfile(REPO / "codebook.yaml", out / "codebook.yaml")
    items = structures(rng, max(1, interviews // 4))
    # The example's synthesis, its worked examples (vignettes) taken among the generated cases.
    synthesis = (REPO / "synthesis.yaml").read_text(encoding="utf-8")
    examples = ", ".join(str(s["id"]) for s in items[:2])
    synthesis = re.sub(r"(?m)^vignettes: \[.*\]$", f"vignettes: [{examples}]", synthesis)
    (out / "synthesis.yaml").write_text(synthesis, encoding="utf-8")
    (out / "structures.yaml").write_text(registry_text(items), encoding="utf-8")
    per = {str(s["id"]): 0 for s in items}
    ids = list(per)
    stamp = [calendar.timegm((2026, 4, 1, 8, 0, 0, 0, 0, 0))]
    first_day = date(2026, 1, 5)
    for n in range(interviews):
        # Every structure gets at least one interview (it is marked interviewed), then at random.
        structure = ids[n] if n < len(ids) else rng.choice(ids)
        per[structure] += 1
        iid = f"{structure}-e{per[structure]}"
        count = turns + rng.randint(-6, 6)
        count -= count % 2
        text, texts = interview_text(rng, structure, first_day + timedelta(days=n % 300), count)
        (out / "interviews" / f"{iid}.md").write_text(text, encoding="utf-8")
        base = None
        for coder in CODERS:
            others = [i for i in ids if i != structure]
            codings, plan = codings_for(rng, iid, texts, coder, base, stamp, others)
            base = plan
            (out / "codings" / coder / f"{iid}.yaml").write_text(
                render(coder, iid, codings), encoding="utf-8"
            )
        if interviews >= 2000 and (n + 1) % 1000 == 0:
            print(f"  {n + 1}/{interviews} interviews", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="Folder to create (replaced if it exists).")
    parser.add_argument("--interviews", "-n", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--turns", type=int, default=60, help="Turns per interview (about).")
    args = parser.parse_args()
    if args.interviews < 1:
        parser.error("--interviews must be at least 1")
    started = time.perf_counter()
    generate(args.out, args.interviews, args.seed, args.turns)
    print(
        f"{args.out}: {args.interviews} interviews in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
