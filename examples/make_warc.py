"""Write `examples/warc/korea-crawl.warc.gz`, a tiny web crawl of two articles, from the pages below.

The pages are the team's own writing, like the rest of `examples/`. Record ids and dates are fixed so
that running this again gives the same file:

    .venv/bin/python examples/make_warc.py
"""

from __future__ import annotations

import io
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

OUT = Path(__file__).parent / "warc" / "korea-crawl.warc.gz"
CRAWLED = "2019-07-02T09:00:00Z"

PANMUNJOM_2018 = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Kim Jong Un crosses into South Korea for summit with Moon | Seoul Ledger</title>
<meta property="article:published_time" content="2018-04-27T21:00:00+09:00">
<meta property="og:site_name" content="Seoul Ledger">
</head><body>
<nav>Home | Politics | North Korea | Economy | Opinion</nav>
<article>
<h1>Kim Jong Un crosses into South Korea for summit with Moon</h1>
<p>North Korean leader Kim Jong Un stepped over the concrete curb that marks the border at Panmunjom on
Friday morning and shook hands with South Korean President Moon Jae-in, becoming the first North Korean
leader to set foot in the South since the end of the Korean War.</p>
<p>At the end of the day the two leaders signed the Panmunjom Declaration, in which they confirmed the
common goal of a nuclear-free Korean Peninsula and pledged to seek, this year, a formal end to the war,
which stopped in 1953 with an armistice rather than a peace treaty.</p>
<p>"I came here determined to send a starting signal at the threshold of a new history," Kim said.</p>
<p>The meeting was the third summit between the leaders of the two Koreas, after those of 2000 and 2007,
and is seen in Seoul as preparing the ground for a meeting between Kim and Donald Trump.</p>
</article>
<footer>Subscribe to the Seoul Ledger | Advertise with us | © Seoul Ledger</footer>
</body></html>"""

STATE_OF_THE_UNION_2019 = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8">
<title>Deuxième sommet Trump-Kim fin février au Vietnam - La Gazette du Pacifique</title>
</head><body>
<div class="bandeau">Ce site utilise des cookies. Accepter | Paramétrer</div>
<article>
<h1>Deuxième sommet Trump-Kim fin février au Vietnam</h1>
<p>Donald Trump a annoncé mardi soir, lors de son discours sur l’état de l’Union devant le Congrès, qu’il
retrouverait Kim Jong-un les 27 et 28 février au Vietnam, pour leur deuxième sommet.</p>
<p>« Beaucoup de travail reste à faire, mais ma relation avec Kim Jong-un est bonne », a affirmé le
président américain, huit mois après leur première rencontre à Singapour.</p>
<p>La ville hôte n’a pas été précisée. Hanoï et la station balnéaire de Da Nang sont citées.</p>
<p>Partager cet article : Facebook | Twitter | E-mail</p>
</article>
</body></html>"""

PAGES = [
    (
        "https://seoul-ledger.example/2018/04/27/kim-crosses-into-south",
        "text/html; charset=utf-8",
        PANMUNJOM_2018,
    ),
    ("https://seoul-ledger.example/static/logo.png", "image/png", "\x89PNG not an article"),
    (
        "https://gazette-pacifique.example/monde/2019/02/06/sommet-trump-kim-vietnam",
        "text/html",
        STATE_OF_THE_UNION_2019,
    ),
]


def main() -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for number, (url, content_type, body) in enumerate(PAGES, 1):
            headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(body.encode("utf-8")),
                http_headers=headers,
                warc_headers_dict={
                    "WARC-Date": CRAWLED,
                    "WARC-Record-ID": f"<urn:uuid:00000000-0000-4000-8000-{number:012d}>",
                },
            )
            writer.write_record(record)
            record.raw_stream.close()
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
