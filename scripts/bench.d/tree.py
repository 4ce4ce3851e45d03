#!/usr/bin/env python3
"""Deterministic module-like trees for scripts/bench.

  tree.py generate OUT_PARENT NAME FILES MB   -> writes OUT_PARENT/NAME, prints "files bytes blobs"
  tree.py mutate DIR                          -> applies 5 realistic changes, prints "class<TAB>path" lines
  tree.py check JSON_FILE EXPECTED_FILE       -> compares mpsupport verify --json with the expectation

Everything is driven by random.Random(42), so the same arguments give byte-identical trees.
"""
import json
import math
import os
import random
import sys

SEED = 42
KB = 1024

PHP_LINES = [
    "    public function {f}($id_shop = null, array $params = [])",
    "    {{",
    "    }}",
    "        $sql = new DbQuery();",
    "        $sql->select('a.*, b.`name`')->from('{t}', 'a');",
    "        $sql->leftJoin('{t}_lang', 'b', 'a.`id_{t}` = b.`id_{t}` AND b.`id_lang` = ' . (int) $idLang);",
    "        $rows = Db::getInstance(_PS_USE_SQL_SLAVE_)->executeS($sql);",
    "        if (!Validate::isLoadedObject($this->{v})) {{",
    "            return false;",
    "        }}",
    "        foreach ($rows as $row) {{",
    "            $result[(int) $row['id_{t}']] = $this->formatRow($row, $context);",
    "        $this->context->smarty->assign(['{v}' => $this->{v}, 'link' => $this->context->link]);",
    "        return $this->display(__FILE__, 'views/templates/hook/{t}.tpl');",
    "        Configuration::updateValue('BENCHMOD_{T}', (int) Tools::getValue('{v}'));",
    "     * @param int $id{T} identifier of the {t}",
    "     * @return array<int, string>",
    "    /**",
    "     */",
    "    private ${v} = [];",
    "        $this->errors[] = $this->trans('Invalid {t}.', [], 'Modules.Benchmod.Admin');",
    "        throw new PrestaShopException(sprintf('Cannot load %s #%d', '{t}', $id));",
    "        $cacheId = 'Benchmod::{f}_' . md5(json_encode($params));",
    "        if (!Cache::isStored($cacheId)) {{",
    "",
]
JS_LINES = [
    "  function {f}(el, opts) {{",
    "  }}",
    "    var $el = $(el), settings = $.extend({{}}, defaults, opts || {{}});",
    "    $el.on('click', '.js-{t}-toggle', function (e) {{ e.preventDefault(); $(this).toggleClass('active'); }});",
    "    prestashop.on('updateCart', function (event) {{ refresh{T}(event.reason); }});",
    "    fetch(benchmod_ajax_url + '&action={f}', {{ method: 'POST', body: new FormData(form) }})",
    "      .then(function (r) {{ return r.json(); }})",
    "      .catch(function (err) {{ console.error('{t}', err); }});",
    "    for (var i = 0; i < items.length; i++) {{ total += parseFloat(items[i].{v}) || 0; }}",
    "  // {t}: keep in sync with the {f} controller",
    "",
]
CSS_LINES = [
    ".benchmod-{t} {{",
    "}}",
    "  display: flex;",
    "  margin: 0 0 {n}px;",
    "  padding: {n}px {n}px;",
    "  color: #{hex};",
    "  background: #{hex} url(../img/{t}.png) no-repeat right center;",
    "  border: 1px solid rgba(0, 0, 0, .{n});",
    ".benchmod-{t} .{v}-item:hover, .benchmod-{t} .{v}-item:focus {{",
    "@media (max-width: {n}0px) {{ .benchmod-{t} {{ flex-direction: column; }} }}",
    "  font: {n}px/1.4 \"Noto Sans\", Arial, sans-serif;",
    "",
]
TPL_LINES = [
    "{{if isset(${v}) && ${v}}}",
    "{{/if}}",
    "<div class=\"benchmod-{t} card\">",
    "</div>",
    "  <h3 class=\"h3\">{{l s='{T} options' d='Modules.Benchmod.Shop'}}</h3>",
    "  {{foreach from=${v}s item={v}}}",
    "    <a href=\"{{$link->getModuleLink('benchmod', '{t}', ['id' => ${v}.id])|escape:'html':'UTF-8'}}\">{{${v}.name}}</a>",
    "  {{/foreach}}",
    "  {{include file='module:benchmod/views/templates/front/_partials/{t}.tpl'}}",
    "",
]
MISC_LINES = [
    "<{t}>{v}</{t}>",
    "  {v}: '{t}'",
    "\"{t}.{v}\": \"{T} {v}\",",
    "# {T}",
    "- {f} {t} {v}",
    "",
]
WORDS = ("product order cart carrier customer address invoice payment refund stock warehouse "
         "category manufacturer supplier voucher rule shipment tracking label feed export import "
         "review rating wishlist banner slider menu block option setting log queue token").split()
VERBS = "get set load save update delete build render fetch sync export import check apply".split()


def fmt(rng, line):
    if "{" not in line:
        return line
    t = rng.choice(WORDS)
    return line.format(
        t=t, T=t.capitalize(), v=rng.choice(WORDS), f=rng.choice(VERBS) + rng.choice(WORDS).capitalize(),
        n=rng.randint(1, 40), hex="%06x" % rng.getrandbits(24))


def text_content(rng, kind, size, header):
    lines_pool = {"php": PHP_LINES, "js": JS_LINES, "css": CSS_LINES, "tpl": TPL_LINES}.get(kind, MISC_LINES)
    parts = [header]
    total = len(header)
    while total < size:
        line = fmt(rng, rng.choice(lines_pool)) + "\n"
        parts.append(line)
        total += len(line)
    return "".join(parts)[:size].encode()


def log_uniform(rng, lo, hi):
    return int(math.exp(rng.uniform(math.log(lo), math.log(hi))))


def build_dirs(rng):
    """Folder pools per kind: a realistic nested module layout."""
    php = ["controllers/front", "controllers/admin", "classes", "classes/Model", "classes/Service",
           "classes/Helper", "upgrade", "translations"]
    def subtree(base, depth, fanout):
        out = [base]
        if depth == 0:
            return out
        for _ in range(fanout):
            out += subtree(base + "/" + rng.choice(WORDS).capitalize() + rng.choice(["", "s", "Type", "Handler"]),
                           depth - 1, max(1, fanout - 1))
        return out
    php += subtree("src", 4, 4)
    vendor_php, vendor_js, vendor_css = [], [], []
    for vendor in ["acme", "symfony", "guzzlehttp", "monolog", "league", "psr", "composer", "doctrine"]:
        for pkg in rng.sample(WORDS, 4):
            root = "vendor/%s/%s" % (vendor, pkg)
            vendor_php += subtree(root + "/src", 3, 3)
            vendor_js.append(root + "/dist")
            vendor_css.append(root + "/dist/css")
    php += vendor_php
    tpl = ["views/templates/hook", "views/templates/front", "views/templates/front/_partials",
           "views/templates/admin", "views/templates/admin/_configure/helpers/form"]
    tpl += ["views/templates/%s/%s" % (area, w) for area in ("hook", "front", "admin") for w in rng.sample(WORDS, 6)]
    js = ["views/js", "views/js/admin", "views/js/front", "views/js/lib"] + vendor_js
    css = ["views/css", "views/css/admin", "views/css/front"] + vendor_css
    misc = ["translations", "config", "docs", "sql", "views/img"]
    return {"php": php, "js": js, "css": css, "tpl": tpl, "misc": misc}


def generate(parent, name, n_files, mb):
    rng = random.Random(SEED)
    target = int(mb * KB * KB)
    root = os.path.join(parent, name)
    dirs = build_dirs(rng)

    # Binary blobs (images, fonts, archives): ~30% of the bytes, 100 KB - 2 MB each.
    blobs = []
    blob_budget = int(target * 0.30)
    while blob_budget >= 100 * KB and len(blobs) < n_files // 4:
        size = min(rng.randint(100 * KB, 2 * KB * KB), max(blob_budget, 100 * KB))
        blobs.append(size)
        blob_budget -= size
    blob_places = [("views/img", ".png"), ("views/img", ".jpg"), ("views/img/banners", ".webp"),
                   ("views/fonts", ".woff2"), ("docs", ".pdf"), ("vendor/acme/assets/dist", ".gif")]

    # Text files: kind mix, raw sizes, then one scale factor so the total lands on MB.
    n_text = n_files - 1 - len(blobs)
    kinds = rng.choices(["php", "js", "css", "tpl", "misc"], weights=[58, 12, 8, 15, 7], k=n_text)
    raw = []
    for kind in kinds:
        if kind == "php":
            raw.append(log_uniform(rng, 1 * KB, 20 * KB))
        elif kind in ("js", "css"):
            big = rng.random() < 0.06
            raw.append(log_uniform(rng, 20 * KB, 200 * KB) if big else log_uniform(rng, 1 * KB, 24 * KB))
        elif kind == "tpl":
            raw.append(log_uniform(rng, 300, 8 * KB))
        else:
            raw.append(log_uniform(rng, 200, 6 * KB))
    text_budget = max(target - sum(blobs), n_text * 200)
    scale = text_budget / max(1, sum(raw))
    sizes = [max(120, int(s * scale)) for s in raw]

    files = []  # (relative path, bytes)
    main = ("<?php\n/**\n * Benchmark module for mpsupport.\n */\nif (!defined('_PS_VERSION_')) {\n    exit;\n}\n\n"
            "class Benchmod extends Module\n{\n    public function __construct()\n    {\n"
            "        $this->name = 'benchmod';\n        $this->tab = 'front_office_features';\n"
            "        $this->version = '1.0.0';\n        $this->author = 'Bench Vendor';\n"
            "        $this->need_instance = 0;\n        $this->bootstrap = true;\n        parent::__construct();\n"
            "        $this->displayName = $this->l('Bench module');\n    }\n")
    files.append((name + ".php", text_content(rng, "php", 12 * KB, main) + b"\n}\n"))
    ext = {"php": ".php", "js": ".js", "css": ".css", "tpl": ".tpl"}
    misc_ext = [".xml", ".yml", ".json", ".md", ".sql", ".txt"]
    used = set()
    # The first few files are pinned to the folders mutate() edits, so even tiny trees have them.
    anchors = [("php", "controllers/front"), ("tpl", "views/templates/hook"), ("css", "views/css"),
               ("php", "classes")]
    for i, (kind, folder) in enumerate(anchors[:len(kinds)]):
        kinds[i] = kind
        sizes[i] = max(sizes[i], 2 * KB)
    for i, (kind, size) in enumerate(zip(kinds, sizes)):
        folder = anchors[i][1] if i < len(anchors) else rng.choice(dirs[kind])
        while True:
            base = rng.choice(WORDS) + rng.choice(["", "_" + rng.choice(WORDS), str(rng.randint(1, 99))])
            if kind == "php":
                base = "".join(p.capitalize() for p in base.split("_"))
            suffix = ext.get(kind) or rng.choice(misc_ext)
            rel = "%s/%s%s" % (folder, base, suffix)
            if rel not in used:
                break
        used.add(rel)
        header = {"php": "<?php\n// %s\n", "js": "/* %s */\n", "css": "/* %s */\n", "tpl": "{* %s *}\n"}.get(
            kind, "# %s\n") % rel
        files.append((rel, text_content(rng, kind, size, header)))
    for i, size in enumerate(blobs):
        folder, suffix = rng.choice(blob_places)
        files.append(("%s/blob%03d%s" % (folder, i, suffix), rng.randbytes(size)))

    total = 0
    for rel, data in files:
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        total += len(data)
    print(len(files), total, len(blobs))


def mutate(root):
    """Five realistic changes; prints the expected class of each."""
    rng = random.Random(SEED + 1)
    name = os.path.basename(os.path.normpath(root))
    all_files = []
    for d, _, fs in os.walk(root):
        for f in fs:
            all_files.append(os.path.relpath(os.path.join(d, f), root).replace(os.sep, "/"))
    all_files.sort()
    size = lambda rel: os.path.getsize(os.path.join(root, rel))
    def pick(pred, ideal):
        cands = [f for f in all_files if pred(f)]
        return min(cands, key=lambda f: (abs(size(f) - ideal), f))

    def edit(rel, fn):
        path = os.path.join(root, rel)
        with open(path, "rb") as f:
            data = f.read()
        with open(path, "wb") as f:
            f.write(fn(data))

    # 1. a hotfix in a front controller (PHP: voids support)
    php = pick(lambda f: f.startswith("controllers/front/") and f.endswith(".php"), 8 * KB)
    edit(php, lambda d: d.replace(b"\n", b"\n        // local fix: skip the stock check\n        return true;\n", 1))
    # 2. a one-line tweak in a hook template (allowed change)
    tpl = pick(lambda f: f.startswith("views/templates/hook/") and f.endswith(".tpl"), 3 * KB)
    edit(tpl, lambda d: d + b"<p class=\"benchmod-note\">{l s='Free delivery over 50 EUR' d='Shop.Theme'}</p>\n")
    # 3. a stylesheet rewritten from scratch (major rewrite)
    css = pick(lambda f: f.startswith("views/css/") and f.endswith(".css"), 16 * KB)
    def rewrite(d):
        lines = d.count(b"\n") + 1
        return "".join(".custom-%d { color: #%06x; margin: %dpx; }\n" % (i, rng.getrandbits(24), i % 17)
                       for i in range(lines)).encode()
    edit(css, rewrite)
    # 4. a file the merchant added (a PHP file: voids support)
    added = "controllers/front/debug_dump.php"
    with open(os.path.join(root, added), "wb") as f:
        f.write(b"<?php\n// added on the server\nvar_dump($_SERVER);\n")
    # 5. a file the merchant removed
    removed = pick(lambda f: f.startswith("classes/") and f.endswith(".php") and f != name + ".php", 4 * KB)
    os.remove(os.path.join(root, removed))
    for cls, rel in [("modified", php), ("allowed-change", tpl), ("major-rewrite", css),
                     ("added", added), ("missing", removed)]:
        print("%s\t%s" % (cls, rel))


def check(json_file, expected_file):
    with open(json_file) as f:
        doc = json.load(f)
    expected = {}
    with open(expected_file) as f:
        for line in f:
            cls, rel = line.rstrip("\n").split("\t")
            expected[rel] = cls
    body = doc.get("body", doc)
    files = body.get("files", [])
    got = {item["path"]: item["class"] for item in files}
    counts = {}
    for cls in got.values():
        counts[cls] = counts.get(cls, 0) + 1
    summary = ", ".join("%d %s" % (n, c) for c, n in sorted(counts.items())) or "no changes"
    ok = got == expected
    if ok:
        print("OK   verify --json reports %s (as expected)" % summary)
    else:
        wrong = sorted(set(got.items()) ^ set(expected.items()))
        print("FAIL verify --json reports %s; mismatches: %s" % (summary, wrong))
    return 0 if ok else 1


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "generate":
        generate(sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5]))
    elif cmd == "mutate":
        mutate(sys.argv[2])
    elif cmd == "check":
        sys.exit(check(sys.argv[2], sys.argv[3]))
    else:
        sys.exit("unknown command " + cmd)
