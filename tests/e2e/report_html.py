"""Reading scicov's HTML report back in the e2e tests (Python's own html.parser): the h2 ids in
order, each county block's sentences (<li data-type> in <div class="county">), and every table's
rows of cell texts, named by its id or class plus data-county / data-type (a header's <small>
key joins its Chinese name after a space, as the site list's CSV writes it)."""
import html.parser


class Report(html.parser.HTMLParser):
    def __init__(self, path):
        super().__init__()
        self.h2 = []
        self.terms = {}  # county code -> {type: text}
        self.tables = {}  # name -> list of tables (each a list of rows)
        self._county = self._li = self._cell = self._table = None
        with open(path, encoding="utf-8") as f:
            self.feed(f.read())

    def table(self, name):
        """The first table of that name, or no rows."""
        return self.tables.get(name, [[]])[0]

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "h2":
            self.h2.append(a.get("id"))
        elif tag == "div" and a.get("class") == "county":
            self._county = a["id"].removeprefix("county-")
            self.terms[self._county] = {}
        elif tag == "li" and self._county and "data-type" in a:
            self._li = [a["data-type"], ""]
        elif tag == "table":
            name = a.get("id") or a.get("class")
            for key in ("data-county", "data-type"):
                if a.get(key):
                    name += ":" + a[key]
            self._table = []
            self.tables.setdefault(name, []).append(self._table)
        elif tag == "tr" and self._table is not None:
            self._table.append([])
        elif tag in ("td", "th") and self._table is not None:
            self._cell = ""
        elif tag == "small" and self._cell is not None:
            self._cell += " "

    def handle_endtag(self, tag):
        if tag == "li" and self._li:
            self.terms[self._county][self._li[0]] = self._li[1]
            self._li = None
        elif tag in ("td", "th") and self._cell is not None:
            self._table[-1].append(self._cell.strip())
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._li is not None:
            self._li[1] += data
        if self._cell is not None:
            self._cell += data
