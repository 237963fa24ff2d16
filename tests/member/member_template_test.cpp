#include "common/member/template.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "common/config/config.hpp"
#include "common/member/validation_config.hpp"
#include "common/testing/testing.hpp"
#include "member_testing.hpp"

namespace archive::member {
namespace {

using test_support::Col;
using test_support::D;
using test_support::Tmpl;

std::string ReadSourceFile(const std::string& relative) {
  std::ifstream in(archive::testing::SourcePath(relative));
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A minimal valid template with the three columns the row rules need, plus `extra` spliced into "columns".
std::string MinimalTemplate(const std::string& extra = "", const std::string& top = "") {
  return R"({)" + top + R"("version": 1, "columns": [
    {"key": "name", "header": "姓名", "required": true, "kind": "text", "person_name": true},
    {"key": "id_card", "header": "身份证号码", "required": true, "kind": "id_card"},
    {"key": "joined_on", "header": "入团年月", "aliases": ["入团时间"], "required": true, "kind": "date"})" +
         extra + "]}";
}

TEST(MemberTemplateTest, TheEmbeddedFileIsTheOneInTheRepository) {
  // Given the template file in schemas/import, when the binary's embedded copy is read, then they are identical.
  const auto embedded = EmbeddedImportFile("member_template.json");
  ASSERT_TRUE(embedded.has_value());
  EXPECT_EQ(*embedded, ReadSourceFile("schemas/import/member_template.json"));
  EXPECT_FALSE(EmbeddedImportFile("no_such_template.json").has_value());
}

TEST(MemberTemplateTest, DescribesTheOfficialColumns) {
  const MemberTemplate& t = Tmpl();
  EXPECT_EQ(t.title(), "智慧团建导入团员团干部数据模板");
  for (const auto& [key, header] : std::map<std::string, std::string>{{"name", "姓名"},
                                                                      {"id_card", "身份证号码"},
                                                                      {"gender", "性别"},
                                                                      {"ethnicity", "民族"},
                                                                      {"birth_date", "出生年月"},
                                                                      {"joined_on", "入团年月"},
                                                                      {"dev_number", "发展团员编号"},
                                                                      {"branch", "所在团支部"},
                                                                      {"phone", "手机号码"},
                                                                      {"education", "学历"}}) {
    ASSERT_NE(t.Find(key), nullptr) << key;
    EXPECT_EQ(t.Find(key)->header, header);
    EXPECT_FALSE(t.Find(key)->description.empty()) << key;
  }
  EXPECT_TRUE(Col("name").required);
  EXPECT_TRUE(Col("id_card").required);
  EXPECT_TRUE(Col("joined_on").required);
  EXPECT_FALSE(Col("gender").required);
  EXPECT_FALSE(Col("dev_number").required);  // required only for new members; ValidateRow decides
  EXPECT_TRUE(Col("id_card").text_format);
  EXPECT_TRUE(Col("dev_number").text_format);
  EXPECT_EQ(Col("branch").kind, ColumnKind::kOrgRef);
  EXPECT_EQ(Col("dev_number").kind, ColumnKind::kDevNumber);
}

TEST(MemberTemplateTest, ListsThe56EthnicGroupsPlusTheTwoOthers) {
  const ColumnDef& ethnicity = Col("ethnicity");
  ASSERT_EQ(ethnicity.values.size(), 58u);
  const std::set<std::string> unique(ethnicity.values.begin(), ethnicity.values.end());
  EXPECT_EQ(unique.size(), 58u);
  int with_suffix = 0;
  for (const std::string& v : ethnicity.values) with_suffix += v.ends_with("族") ? 1 : 0;
  EXPECT_EQ(with_suffix, 56);
  EXPECT_EQ(ethnicity.values.front(), "汉族");
  EXPECT_TRUE(unique.contains("基诺族"));
  EXPECT_TRUE(unique.contains("其他"));
  EXPECT_TRUE(unique.contains("外国血统中国籍人士"));
  EXPECT_EQ(Col("gender").values, (std::vector<std::string>{"男", "女"}));
  EXPECT_EQ(Col("education").values.size(), 10u);
}

TEST(MemberTemplateTest, MatchesHeadersAndAliases) {
  EXPECT_EQ(Tmpl().MatchHeader("入团时间"), Tmpl().Find("joined_on"));
  EXPECT_EQ(Tmpl().MatchHeader("身份证号"), Tmpl().Find("id_card"));
  EXPECT_EQ(Tmpl().MatchHeader("入团年月（格式：2024-05）"), Tmpl().Find("joined_on"));
  EXPECT_EQ(Tmpl().MatchHeader("备注"), nullptr);
  EXPECT_EQ(Tmpl().MatchHeader(""), nullptr);
}

TEST(MemberTemplateTest, AcceptsAMinimalTemplate) {
  const MemberTemplate t = MemberTemplate::Parse(MinimalTemplate());
  EXPECT_EQ(t.columns().size(), 3u);
  EXPECT_EQ(t.MatchHeader("入团时间")->key, "joined_on");
}

TEST(MemberTemplateTest, RejectsBrokenTemplates) {
  const std::vector<std::pair<std::string, std::string>> broken = {
      {"not json", "{"},
      {"unknown top field", MinimalTemplate("", R"("colour": "red", )")},
      {"unknown column field", MinimalTemplate(R"(, {"key": "x", "header": "X", "kind": "text", "colour": 1})")},
      {"unknown kind", MinimalTemplate(R"(, {"key": "x", "header": "X", "kind": "integer"})")},
      {"duplicate key", MinimalTemplate(R"(, {"key": "name", "header": "名字", "kind": "text"})")},
      {"alias clash", MinimalTemplate(R"(, {"key": "x", "header": "X", "aliases": ["入团时间"], "kind": "text"})")},
      {"alias clash after normalization",
       MinimalTemplate(R"(, {"key": "x", "header": "X", "aliases": ["身份证号码*"], "kind": "text"})")},
      {"enum without values", MinimalTemplate(R"(, {"key": "x", "header": "X", "kind": "enum"})")},
      {"alias to no value",
       MinimalTemplate(
           R"(, {"key": "x", "header": "X", "kind": "enum", "values": ["a"], "value_aliases": {"b": "c"}})")},
      {"values on text", MinimalTemplate(R"(, {"key": "x", "header": "X", "kind": "text", "values": ["a"]})")},
      {"wrong kind for a known key", MinimalTemplate(R"(, {"key": "phone", "header": "电话", "kind": "text"})")},
      {"second id column", MinimalTemplate(R"(, {"key": "x", "header": "X", "kind": "id_card"})")},
      {"bad key", MinimalTemplate(R"(, {"key": "Bad Key", "header": "X", "kind": "text"})")},
      {"wrong type", MinimalTemplate(R"(, {"key": "x", "header": "X", "kind": "text", "required": "yes"})")},
      {"missing id column", R"({"columns": [{"key": "name", "header": "姓名", "kind": "text"},
                                            {"key": "joined_on", "header": "入团年月", "kind": "date"}]})"},
      {"no columns", R"({"columns": []})"},
  };
  for (const auto& [why, text] : broken) {
    EXPECT_THROW(MemberTemplate::Parse(text), TemplateError) << why;
  }
}

TEST(ValidationConfigTest, DefaultsFollowTheGuide) {
  const ValidationConfig c;
  EXPECT_EQ(c.min_join_age, 14);
  EXPECT_EQ(c.max_join_age, 28);
  EXPECT_EQ(c.e_archive_required_from, D(2020, 1, 1));
  EXPECT_EQ(c.dev_number_required_from, D(2020, 1, 1));
  EXPECT_FALSE(c.dev_number_layout.has_value());
}

TEST(ValidationConfigTest, ReadsEveryKeyFromItsSection) {
  config::Section section(nlohmann::json::parse(R"({"min_join_age": 13, "max_join_age": 27,
      "dev_number_required_from": "2017-01-01",
      "dev_number_tail_pattern": "[0-9]{6}[0-9]{2}", "dev_number_tail_hint": "第5-10位为团组织代码"})"),
                          "member_validation");
  const ValidationConfig c = ValidationConfig::From(section);
  EXPECT_EQ(c.min_join_age, 13);
  EXPECT_EQ(c.max_join_age, 27);
  EXPECT_EQ(c.dev_number_required_from, D(2017, 1, 1));
  ASSERT_TRUE(c.dev_number_layout.has_value());
  EXPECT_EQ(c.dev_number_layout->hint, "第5-10位为团组织代码");
}

TEST(ValidationConfigTest, RefusesMistakesWithTheKeyName) {
  const std::vector<std::string> bad = {
      R"({"min_join_age": 14, "max_age": 28})",        R"({"dev_number_required_from": "2020/01/01"})",
      R"({"dev_number_required_from": "2020-02-30"})", R"({"dev_number_tail_pattern": "[0-9"})",
      R"({"min_join_age": 30, "max_join_age": 28})",   R"({"dev_number_tail_hint": "no pattern"})",
      R"({"e_archive_required_from": "2020-01-01"})",  // R1's one key is policy.e_archive_required_from
  };
  for (const std::string& text : bad) {
    config::Section section(nlohmann::json::parse(text), "member_validation");
    try {
      ValidationConfig::From(section);
      ADD_FAILURE() << "accepted " << text;
    } catch (const config::Error& e) {
      EXPECT_NE(std::string(e.what()).find("member_validation"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace archive::member
