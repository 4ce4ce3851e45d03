#!/usr/bin/env python3
"""A realistic PrestaShop shop root around one module, for scripts/bench sftp.

  shop_root.py build SHOP MODULE_DIR [VERSION]   -> writes SHOP, prints "files dirs"

SHOP gets what every real shop has and what `verify sftp://SHOP --module NAME` looks at:
  modules/NAME/                  a copy of MODULE_DIR (NAME is its folder name)
  modules/ps_banner/, ...        a few other module folders (never read by verify)
  classes/, config/, src/Core/Version.php (PrestaShop VERSION, default 8.1.7)
  override/                      PrestaShop's own skeleton: .htaccess, index.php in every folder
                                 (classes/ and its sub-folders, controllers/admin/templates,
                                 controllers/front/listing, modules/), plus two class overrides
                                 installed by other modules (read, not reported)
  themes/classic/                a theme with templates, assets and a template override of the
                                 module (themes/classic/modules/NAME/views/templates/...)
  var/logs/                      dev/prod logs and an exception log (~1.3 MB)
Deterministic (no randomness, fixed content), so every run and every tool sees the same tree.
"""
import os
import shutil
import sys

INDEX_PHP = """<?php
/**
 * Copyright since 2007 PrestaShop SA and Contributors
 * PrestaShop is an International Registered Trademark & Property of PrestaShop SA
 */
header('Expires: Mon, 26 Jul 1997 05:00:00 GMT');
header('Last-Modified: ' . gmdate('D, d M Y H:i:s') . ' GMT');
header('Cache-Control: no-store, no-cache, must-revalidate');
header('Cache-Control: post-check=0, pre-check=0', false);
header('Pragma: no-cache');
header('Location: ../');
exit;
"""

# PrestaShop 8's override/ as shipped: an index.php in every folder and nothing else.
OVERRIDE_FOLDERS = [
    "",
    "classes",
    "classes/assets",
    "classes/cache",
    "classes/checkout",
    "classes/controller",
    "classes/db",
    "classes/exception",
    "classes/form",
    "classes/helper",
    "classes/log",
    "classes/module",
    "classes/order",
    "classes/pdf",
    "classes/range",
    "classes/shop",
    "classes/stock",
    "classes/tax",
    "classes/webservice",
    "controllers",
    "controllers/admin",
    "controllers/admin/templates",
    "controllers/front",
    "controllers/front/listing",
    "modules",
]

CLASS_OVERRIDE = """<?php
class {cls} extends {cls}Core
{{
    /*
    * module: {module}
    * date: 2024-03-11 10:12:45
    * version: 2.1.0
    */
    public function {method}($id_lang = null)
    {{
        return parent::{method}($id_lang);
    }}
}}
"""

THEME_FILES = {
    "theme.yml": "name: classic\ndisplay_name: Classic\nversion: 2.1.2\n" + "meta:\n  compatibility:\n    from: 8.0.0\n",
    "preview.png": "\x89PNG\r\n" + "x" * 40000,
    "templates/index.tpl": "{extends file='page.tpl'}\n" * 40,
    "templates/page.tpl": "{extends file=$layout}\n" * 60,
    "templates/catalog/listing/product-list.tpl": "{block name='product_list'}{/block}\n" * 80,
    "templates/catalog/product.tpl": "{block name='product'}{/block}\n" * 120,
    "templates/checkout/cart.tpl": "{block name='cart'}{/block}\n" * 60,
    "templates/_partials/header.tpl": "{block name='header'}{/block}\n" * 50,
    "templates/_partials/footer.tpl": "{block name='footer'}{/block}\n" * 50,
    "assets/css/theme.css": "body{margin:0}\n" * 9000,
    "assets/js/theme.js": "(function(){})();\n" * 8000,
    "config/theme.yml": "global_settings:\n  configuration:\n    PS_IMAGE_QUALITY: png\n",
}


def write(path, content):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="latin-1") as f:
        f.write(content)


def build(shop, module_dir, version):
    name = os.path.basename(os.path.normpath(module_dir))
    if os.path.exists(shop):
        sys.exit("shop_root.py: %s exists" % shop)
    shutil.copytree(module_dir, os.path.join(shop, "modules", name), symlinks=True)
    for other in ("ps_banner", "ps_mainmenu", "ps_shoppingcart", "contactform"):
        write(os.path.join(shop, "modules", other, other + ".php"), "<?php\n// %s\n" % other)
        write(os.path.join(shop, "modules", other, "index.php"), INDEX_PHP)
    write(os.path.join(shop, "index.php"), "<?php\nrequire dirname(__FILE__).'/config/config.inc.php';\n")
    write(os.path.join(shop, "classes", "Cart.php"), "<?php\nclass CartCore extends ObjectModel {}\n")
    write(os.path.join(shop, "config", "config.inc.php"), "<?php\n// config\n")
    write(os.path.join(shop, "src", "Core", "Version.php"),
          "<?php\nnamespace PrestaShop\\PrestaShop\\Core;\nfinal class Version\n{\n"
          "    public const VERSION = '%s';\n}\n" % version)
    for folder in OVERRIDE_FOLDERS:
        write(os.path.join(shop, "override", folder, "index.php"), INDEX_PHP)
    write(os.path.join(shop, "override", ".htaccess"), "# Apache 2.4\n<IfModule mod_authz_core.c>\n  Require all denied\n</IfModule>\n")
    write(os.path.join(shop, "override", "classes", "Cart.php"),
          CLASS_OVERRIDE.format(cls="Cart", module="ps_shoppingcart", method="getProducts"))
    write(os.path.join(shop, "override", "controllers", "front", "listing", "CategoryController.php"),
          CLASS_OVERRIDE.format(cls="CategoryController", module="ps_mainmenu", method="getTemplateVarCategory"))
    theme = os.path.join(shop, "themes", "classic")
    for rel, content in THEME_FILES.items():
        write(os.path.join(theme, rel), content)
    # The module template override: the theme's own facets.tpl (PrestaShop's sanctioned way).
    write(os.path.join(theme, "modules", name, "views", "templates", "front", "catalog", "facets.tpl"),
          "{* theme override of %s *}\n" % name + "<div id=\"search_filters\">{$facets|count}</div>\n" * 30)
    write(os.path.join(shop, "themes", "index.php"), INDEX_PHP)
    logs = os.path.join(shop, "var", "logs")
    write(os.path.join(logs, "dev.log"), "[2026-11-30 10:00:00] request.INFO: Matched route.\n" * 4000)
    write(os.path.join(logs, "prod.log"), "[2026-11-30 10:00:00] php.WARNING: Undefined index.\n" * 20000)
    write(os.path.join(logs, "20261130_exception.log"), "*ERROR* 2026/11/30 - 10:00:00: Exception in %s\n" % name * 2000)
    files = dirs = 0
    for _, dirnames, filenames in os.walk(shop):
        dirs += len(dirnames)
        files += len(filenames)
    print(files, dirs)


def main():
    if len(sys.argv) < 4 or sys.argv[1] != "build":
        sys.exit(__doc__)
    build(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else "8.1.7")


if __name__ == "__main__":
    main()
