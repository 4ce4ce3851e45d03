#include <catch2/catch.hpp>

#include "shop/shop_tree.hpp"
#include "test_support.hpp"

using namespace mps;

TEST_CASE("class overrides are attributed from PrestaShop's comment blocks", "[shop]") {
    std::string installed_by_module =
        "<?php\nclass Cart extends CartCore\n{\n    /*\n    * module: mymod\n    * date: "
        "2026-01-01 10:00:00\n"
        "    * version: 1.2.3\n    */\n    public function getOrderTotal() {}\n}\n";
    CHECK(names_module_in_override(installed_by_module, "mymod"));
    CHECK_FALSE(names_module_in_override(installed_by_module, "mymo"));
    CHECK_FALSE(names_module_in_override(installed_by_module, "mymodule"));
    CHECK_FALSE(names_module_in_override("<?php\n$x = 'module: mymod';\n", "mymod"));
    CHECK(names_module_in_override("<?php\n// module: mymod\n", "mymod"));
}

TEST_CASE("a shop tree: modules, overrides and theme templates", "[shop]") {
    testing::TempDir shop;
    testing::write(shop / "classes/Cart.php", "<?php");
    testing::write(shop / "modules/mymod/mymod.php", "<?php");
    testing::write(shop / "modules/other/other.php", "<?php");
    testing::write(shop / "override/classes/Cart.php", "<?php\n/*\n * module: mymod\n */\n");
    testing::write(shop / "override/classes/myindex.php", "<?php\n/*\n * module: mymod\n */\n");
    testing::write(shop / "override/classes/index.php", "<?php\n/*\n * module: mymod\n */\n");
    testing::write(shop / "override/controllers/front/OrderController.php",
                   "<?php\n/*\n * module: other\n */\n");
    testing::write(shop / "themes/classic/modules/mymod/views/templates/hook/a.tpl", "x");
    testing::write(shop / "themes/child/modules/mymod/a.tpl", "x");
    testing::write(shop / "themes/child/modules/other/a.tpl", "x");
    CHECK(is_shop_root(shop.path()));
    CHECK_FALSE(is_shop_root(shop / "modules"));
    CHECK(installed_modules(shop.path()) == std::vector<std::string>{"mymod", "other"});
    CHECK(module_class_overrides(shop.path(), "mymod") ==
          std::vector<std::string>{"override/classes/Cart.php", "override/classes/myindex.php"});
    CHECK(theme_template_overrides(shop.path(), "mymod") ==
          std::vector<std::string>{"themes/child/modules/mymod/a.tpl",
                                   "themes/classic/modules/mymod/views/templates/hook/a.tpl"});
}
