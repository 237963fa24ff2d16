#include "tools/formgen/form.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace archive::formgen {
namespace {

constexpr double kWidth = 595.28;  // A4 in points
constexpr double kHeight = 841.89;
constexpr pdf::Color kPrintInk{25, 25, 25};
constexpr pdf::Color kSealRed{214, 28, 36};

constexpr const char32_t* kSurnames[] = {
    U"王", U"李", U"张", U"刘", U"陈", U"杨", U"黄", U"赵", U"吴", U"周", U"徐", U"孙", U"马", U"朱", U"胡",
    U"郭", U"何", U"高", U"林", U"罗", U"郑", U"梁", U"谢", U"宋", U"唐", U"许", U"韩", U"冯", U"邓", U"曹",
    U"彭", U"曾", U"肖", U"田", U"董", U"袁", U"潘", U"蒋", U"蔡", U"余", U"杜", U"叶", U"程", U"苏", U"魏",
    U"吕", U"丁", U"任", U"沈", U"姚", U"卢", U"姜", U"崔", U"钟", U"谭", U"陆", U"汪", U"范", U"金", U"石"};
constexpr const char32_t* kGiven[] = {
    U"子", U"涵", U"欣", U"怡", U"梓", U"宇", U"浩", U"然", U"雨", U"轩", U"思", U"博", U"文", U"佳", U"琪",
    U"嘉", U"俊", U"杰", U"晨", U"阳", U"一", U"诺", U"明", U"远", U"晓", U"彤", U"书", U"瑶", U"泽", U"天",
    U"乐", U"静", U"雅", U"昊", U"楠", U"婷", U"凯", U"鑫", U"磊", U"芳", U"丽", U"洋", U"敏", U"慧", U"清",
    U"悦", U"航", U"睿", U"晗", U"萱", U"铭", U"志", U"宁", U"安", U"若", U"语", U"桐", U"舒", U"煜", U"辰"};
constexpr const char32_t* kCities[] = {U"青川市", U"临江市", U"云阳市", U"安平市", U"北湖市", U"东陵市"};
constexpr const char32_t* kDistricts[] = {U"城关区", U"新华区", U"河西区", U"南山区", U"高新区", U"文昌区"};
constexpr const char32_t* kProvinces[] = {U"河北省", U"山东省", U"河南省", U"湖北省", U"湖南省",
                                          U"四川省", U"江苏省", U"浙江省", U"安徽省", U"江西省"};
constexpr const char32_t* kEthnicities[] = {U"汉族", U"汉族", U"汉族", U"汉族", U"回族", U"满族", U"壮族"};
constexpr const char32_t* kDigits[] = {U"一", U"二", U"三", U"四", U"五", U"六", U"七", U"八", U"九"};
constexpr const char32_t* kStreets[] = {U"人民路", U"解放路", U"建设路", U"和平街", U"光明路", U"长江路"};
constexpr const char32_t* kWork[] = {U"市第一人民医院护士", U"个体经营",     U"建筑公司职员", U"务农",
                                     U"区教育局干部",       U"物流公司司机", U"超市营业员",   U"机械厂工人"};
constexpr const char32_t* kPolitics[] = {U"中共党员", U"群众", U"群众", U"共青团员"};

// Handwritten paragraphs (any CJK text will do; these read like the real thing).
// NOLINTNEXTLINE(bugprone-suspicious-missing-comma): long paragraphs are split over lines on purpose.
constexpr const char32_t* kWish[] = {
    U"我志愿加入中国共产主义青年团，坚决拥护中国共产党的领导，遵守团的章程，执行团的决议，履行团员义务，"
    U"严守团的纪律，勤奋学习，积极工作，吃苦在前，享受在后，为共产主义事业而奋斗。",
    U"中国共产主义青年团是中国共产党领导的先进青年的群众组织，是广大青年在实践中学习中国特色社会主义和共产主义的学校，"
    U"是中国共产党的助手和后备军。",
    U"通过学习团章，我认识到作为一名共青团员，要在学习、工作和生活中起模范带头作用，团结同学，关心集体，"
    U"积极参加学校组织的各项活动。",
    U"在今后的学习中，我会端正学习态度，努力提高自己的思想觉悟和文化水平，虚心接受老师和同学们的批评与帮助，"
    U"不断改正自己的缺点。",
    U"如果组织暂时没有批准我的申请，我也不会灰心，我会继续努力，用实际行动争取早日加入共青团。"};
// NOLINTNEXTLINE(bugprone-suspicious-missing-comma)
constexpr const char32_t* kIntroduce[] = {
    U"该同志思想上积极要求进步，学习态度端正，成绩优良，能团结同学，热心为集体服务，对团的认识比较明确，"
    U"具备团员条件，我愿意介绍其加入中国共产主义青年团。",
    U"该同志政治立场坚定，尊敬师长，遵守纪律，在班级工作中表现突出，群众基础较好。希望入团后继续努力，"
    U"发挥模范作用。",
    U"该同志入团动机端正，能够认真学习团的基本知识，积极参加志愿服务活动，符合入团条件，同意介绍其入团。"};

std::u32string Number(int value) {
  return Utf32(std::to_string(value));
}

std::u32string Date(int y, int m, int d) {
  return Number(y) + U"年" + Number(m) + U"月" + Number(d) + U"日";
}

double Measure(const pdf::Font& font, std::u32string_view text, double size) {
  double width = 0;
  for (char32_t c : text) width += font.Advance(c);
  return width * size;
}

// One page under construction. The whole printed form is shifted a little (as a printer would), and the
// handwriting jitters per character.
class Page {
 public:
  Page(const Fonts& fonts, Rng& rng, pdf::Color ink, bool handwritten)
      : drawing_(kWidth, kHeight),
        fonts_(fonts),
        rng_(rng),
        ink_(ink),
        handwritten_(handwritten),
        dx_(rng.Uniform(-6, 6)),
        dy_(rng.Uniform(-6, 6)) {}

  pdf::Point At(double x, double y) const { return {x + dx_, y + dy_}; }
  double PrintWidth(std::u32string_view text, double size) const { return Measure(fonts_.print, text, size); }

  void Print(std::u32string_view text, double x, double y, double size) {
    drawing_.Text(fonts_.print, text, At(x, y), size, kPrintInk);
  }
  void PrintCentered(std::u32string_view text, double y, double size) {
    Print(text, (kWidth - Measure(fonts_.print, text, size)) / 2, y, size);
  }
  // Characters spread evenly over `width`, centred on the page (form titles).
  void PrintSpread(std::u32string_view text, double y, double size, double width) {
    const auto count = static_cast<double>(text.size());
    const double step = count > 1 ? (width - size) / (count - 1) : 0;
    const double x0 = (kWidth - width) / 2;
    for (std::size_t i = 0; i < text.size(); ++i) Print(text.substr(i, 1), x0 + static_cast<double>(i) * step, y, size);
  }
  // A label squeezed or spread to a fixed width (how forms align 姓　　名 with 所在团支部).
  void PrintJustified(std::u32string_view text, double x, double y, double size, double width) {
    if (text.size() < 2) return Print(text, x, y, size);
    const double step = (width - size) / static_cast<double>(text.size() - 1);
    for (std::size_t i = 0; i < text.size(); ++i) Print(text.substr(i, 1), x + static_cast<double>(i) * step, y, size);
  }

  // Writes text by hand from (x, y), wrapping at `right`, lines `leading` apart; returns the last baseline.
  double Hand(std::u32string_view text, double x, double y, double size, double right, double leading) {
    if (!handwritten_) return Typed(text, x, y, size, right, leading);
    double pen = x;
    double drift = 0;
    for (char32_t c : text) {
      const double s = size * (1 + 0.06 * rng_.Normal());
      const double advance = fonts_.hand.Advance(c) * s * rng_.Uniform(0.96, 1.12);
      // Wrap, but never put punctuation at the start of a line (it may hang past the margin instead).
      const bool punctuation = std::u32string_view(U"，。、；：！？）」”").find(c) != std::u32string_view::npos;
      if (pen + advance > right && !punctuation) {
        pen = x + rng_.Uniform(-1, 1);
        y += leading;
        drift = 0;
      }
      drift = std::clamp(drift + 0.25 * rng_.Normal(), -2.0, 2.0);
      const double angle = 3.5 * rng_.Normal();
      drawing_.Text(fonts_.hand, std::u32string(1, c), At(pen, y + drift + 0.6 * rng_.Normal()), s, ink_, angle);
      pen += advance;
    }
    return y;
  }
  // The same text typed: one run per line, so a text layer reads back in order.
  double Typed(std::u32string_view text, double x, double y, double size, double right, double leading) {
    std::u32string line;
    double pen = x;
    for (char32_t c : text) {
      const double advance = fonts_.hand.Advance(c) * size;
      const bool punctuation = std::u32string_view(U"，。、；：！？）」”").find(c) != std::u32string_view::npos;
      if (pen + advance > right && !punctuation && !line.empty()) {
        drawing_.Text(fonts_.hand, line, At(x, y), size, ink_);
        line.clear();
        pen = x;
        y += leading;
      }
      line += c;
      pen += advance;
    }
    if (!line.empty()) drawing_.Text(fonts_.hand, line, At(x, y), size, ink_);
    return y;
  }

  // Handwriting centred in a cell.
  void HandIn(std::u32string_view text, double x, double y, double width, double size) {
    const double w = Measure(fonts_.hand, text, size) * 1.04;
    const double fitted = w > width - 6 ? size * (width - 6) / w : size;
    const double start = x + std::max(3.0, (width - Measure(fonts_.hand, text, fitted) * 1.04) / 2);
    Hand(text, start, y, fitted, x + width + 40, fitted * 1.5);
  }

  void Line(double x0, double y0, double x1, double y1, double width = 0.8) {
    drawing_.Line(At(x0, y0), At(x1, y1), width, kPrintInk);
  }
  void Box(double x, double y, double w, double h, double width = 1.0) {
    drawing_.StrokeRect(At(x, y), w, h, width, kPrintInk);
  }
  void Ruled(double x, double y, double w, double h, double spacing) {
    const int lines = static_cast<int>((h - 4) / spacing);
    for (int i = 1; i <= lines; ++i) Line(x + 8, y + i * spacing, x + w - 8, y + i * spacing, 0.4);
  }
  void PageNumber(int n) { PrintCentered(U"— " + Number(n) + U" —", 808, 10); }

  // The red official seal: a ring, a star, and the committee's name around the top.
  void Seal(std::u32string_view text, double cx, double cy, double radius, double turn_deg) {
    const pdf::Point c = At(cx, cy);
    drawing_.StrokeCircle(c, radius, radius * 0.055, kSealRed);
    const double turn = turn_deg * std::numbers::pi / 180;
    std::vector<pdf::Point> star;
    for (int i = 0; i < 10; ++i) {
      const double r = i % 2 == 0 ? radius * 0.3 : radius * 0.12;
      const double a = std::numbers::pi / 2 + turn + i * std::numbers::pi / 5;
      star.push_back({c.x + r * std::cos(a), c.y - r * std::sin(a)});
    }
    drawing_.FillPolygon(std::move(star), kSealRed);
    const double size = radius * 0.24;
    const double text_radius = radius * 0.93 - size;
    const double span = 240.0;
    const std::size_t n = text.size();
    for (std::size_t i = 0; i < n; ++i) {
      // From lower left, over the top, to lower right (degrees counter-clockwise, y up).
      const double a_deg =
          90 + span / 2 - (n > 1 ? span * static_cast<double>(i) / static_cast<double>(n - 1) : 0) + turn_deg;
      const double a = a_deg * std::numbers::pi / 180;
      const pdf::Point centre{c.x + text_radius * std::cos(a), c.y - text_radius * std::sin(a)};
      // The glyph's top points outwards: its baseline runs clockwise along the circle.
      const double glyph_deg = a_deg - 90;
      const double g = glyph_deg * std::numbers::pi / 180;
      const pdf::Point along{std::cos(g), -std::sin(g)};
      const pdf::Point up{-std::sin(g), -std::cos(g)};
      const pdf::Point origin{centre.x - along.x * size / 2 - up.x * size * 0.38,
                              centre.y - along.y * size / 2 - up.y * size * 0.38};
      drawing_.Text(fonts_.print, text.substr(i, 1), origin, size, kSealRed, glyph_deg);
    }
    const double label = radius * 0.2;
    const std::u32string bottom = U"专用章";
    drawing_.Text(fonts_.print, bottom, {c.x - Measure(fonts_.print, bottom, label) / 2, c.y + radius * 0.62}, label,
                  kSealRed);
  }

  pdf::Drawing Take() { return std::move(drawing_); }

 private:
  pdf::Drawing drawing_;
  const Fonts& fonts_;
  Rng& rng_;
  pdf::Color ink_;
  bool handwritten_;
  double dx_;
  double dy_;
};

void Cover(Page& p, const Person& person, pdf::Region& number_box) {
  const std::u32string number_label = U"编号：";
  const double size = 13;
  const double x = 372;
  const double y = 70;
  const std::u32string text = number_label + Utf32(person.number);
  p.Print(text, x, y, size);
  const pdf::Point at = p.At(x, y);
  number_box = pdf::Region{at.x - 3, at.y - size * 1.05, p.PrintWidth(text, size) + 6, size * 1.4};
  p.PrintCentered(U"中国共产主义青年团", 250, 26);
  p.PrintSpread(U"入团志愿书", 335, 44, 330);
  const double label_x = 140, line_x0 = 250, line_x1 = 470, label_w = 84;
  const std::u32string labels[] = {U"姓名", U"所在团支部", U"填写日期"};
  const std::u32string values[] = {person.name, person.branch,
                                   Date(person.fill_year, person.fill_month, person.fill_day)};
  for (int i = 0; i < 3; ++i) {
    const double ly = 520 + 50 * i;
    p.PrintJustified(labels[i], label_x, ly, 15, label_w);
    p.Line(line_x0, ly + 4, line_x1, ly + 4);
    p.HandIn(values[i], line_x0, ly - 2, line_x1 - line_x0, i == 0 ? 19 : 15);
  }
  p.PrintCentered(U"中国共产主义青年团中央委员会制", 770, 12);
}

void BasicInfo(Page& p, const Person& person) {
  p.PrintCentered(U"申请人基本情况", 90, 18);
  const double x0 = 60, x1 = 535, row = 42;
  const double col[] = {60, 150, 290, 380, 535};
  double y = 120;
  auto pair_row = [&](std::u32string_view a, const std::u32string& va, std::u32string_view b,
                      const std::u32string& vb) {
    p.Box(x0, y, x1 - x0, row);
    for (int i = 1; i < 4; ++i) p.Line(col[i], y, col[i], y + row);
    p.PrintJustified(a, col[0] + 8, y + 26, 12, col[1] - col[0] - 16);
    p.HandIn(va, col[1], y + 27, col[2] - col[1], 15);
    p.PrintJustified(b, col[2] + 8, y + 26, 12, col[3] - col[2] - 16);
    p.HandIn(vb, col[3], y + 27, col[4] - col[3], 15);
    y += row;
  };
  auto wide_row = [&](std::u32string_view label, const std::u32string& value, double height) {
    p.Box(x0, y, x1 - x0, height);
    p.Line(col[1], y, col[1], y + height);
    p.PrintJustified(label, col[0] + 8, y + 26, 12, col[1] - col[0] - 16);
    p.Hand(value, col[1] + 10, y + 27, 15, x1 - 10, 26);
    y += height;
  };
  pair_row(U"姓名", person.name, U"性别", person.gender);
  pair_row(U"民族", person.ethnicity, U"出生年月",
           Number(person.birth_year) + U"年" + Number(person.birth_month) + U"月");
  pair_row(U"籍贯", person.hometown, U"文化程度", person.education);
  wide_row(U"工作单位", person.school, row);
  wide_row(U"家庭住址", person.address, row);
  wide_row(U"奖惩情况", U"曾获校级“三好学生”称号，无处分。", row * 1.5);
  p.Box(x0, y, x1 - x0, 300);
  p.Print(U"本人简历", x0 + 8, y + 24, 13);
  const int start = person.birth_year + 6;
  double hy = y + 60;
  hy = p.Hand(Number(start) + U"年9月至" + Number(start + 6) + U"年7月　在" + person.hometown + U"实验小学读书",
              x0 + 20, hy, 14, x1 - 10, 28);
  hy = p.Hand(Number(start + 6) + U"年9月至" + Number(start + 9) + U"年7月　在" + person.hometown + U"第二中学读书",
              x0 + 20, hy + 34, 14, x1 - 10, 28);
  p.Hand(Number(start + 9) + U"年9月至今　在" + person.school + U"学习", x0 + 20, hy + 34, 14, x1 - 10, 28);
  p.PageNumber(2);
}

void Family(Page& p, const Person& person) {
  p.PrintCentered(U"家庭主要成员及主要社会关系", 90, 18);
  const double col[] = {60, 130, 220, 320, 535};
  const std::u32string heads[] = {U"称谓", U"姓名", U"政治面貌", U"工作单位及职务"};
  double y = 120;
  const double row = 46;
  for (int r = 0; r < 7; ++r) {
    p.Box(col[0], y, col[4] - col[0], row);
    for (int i = 1; i < 4; ++i) p.Line(col[i], y, col[i], y + row);
    if (r == 0) {
      for (int i = 0; i < 4; ++i) {
        const double w = col[i + 1] - col[i];
        p.Print(heads[i], col[i] + (w - 13.0 * static_cast<double>(heads[i].size())) / 2, y + 29, 13);
      }
    } else if (r - 1 < static_cast<int>(person.family.size())) {
      const Relative& m = person.family[r - 1];
      p.HandIn(m.relation, col[0], y + 30, col[1] - col[0], 15);
      p.HandIn(m.name, col[1], y + 30, col[2] - col[1], 15);
      p.HandIn(m.politics, col[2], y + 30, col[3] - col[2], 14);
      p.HandIn(m.work, col[3], y + 30, col[4] - col[3], 14);
    }
    y += row;
  }
  p.Box(60, y + 30, 475, 250);
  p.Print(U"需要向团组织说明的问题", 70, y + 56, 13);
  p.Hand(U"无。", 90, y + 100, 15, 520, 28);
  p.PageNumber(3);
}

void Wish(Page& p, const Person& person, Rng& rng) {
  p.PrintCentered(U"入团志愿", 90, 18);
  p.Box(60, 115, 475, 600);
  p.Ruled(60, 115, 475, 600, 30);
  double y = 140;
  const int paragraphs = rng.Int(3, 5);
  for (int i = 0; i < paragraphs && y < 620; ++i) {
    y = p.Hand(U"　　" + std::u32string(kWish[static_cast<std::size_t>(i) % std::size(kWish)]), 75, y, 15, 520, 30) +
        30;
  }
  p.Print(U"申请人签名：", 300, 745, 13);
  p.HandIn(person.name, 380, 745, 90, 16);
  p.Hand(Date(person.fill_year, person.fill_month, person.fill_day), 380, 775, 14, 540, 24);
  p.PageNumber(4);
}

void Introducers(Page& p, const Person& person, Rng& rng) {
  p.PrintCentered(U"入团介绍人意见", 90, 18);
  for (int i = 0; i < 2; ++i) {
    const double top = 115 + i * 340;
    p.Box(60, top, 475, 320);
    p.Print(i == 0 ? U"第一介绍人意见" : U"第二介绍人意见", 72, top + 26, 13);
    p.Hand(U"　　" + std::u32string(rng.Pick(kIntroduce)), 80, top + 66, 15, 520, 30);
    p.Print(U"介绍人签名：", 300, top + 270, 13);
    p.HandIn(person.introducers[i], 380, top + 270, 90, 15);
    p.Hand(Date(person.fill_year, person.fill_month, std::min(28, person.fill_day + 3 + i)), 380, top + 300, 13, 540,
           24);
  }
  p.PageNumber(5);
}

void BranchMeeting(Page& p, const Person& person, Rng& rng) {
  p.PrintCentered(U"团支部大会讨论意见", 90, 18);
  p.Box(60, 115, 475, 640);
  const int present = person.branch_members - rng.Int(0, 3);
  const std::u32string text = U"　　经团支部大会讨论，应到团员" + Number(person.branch_members) + U"名，实到" +
                              Number(present) + U"名，" + Number(present) + U"名同意，0名反对，0名弃权，同意接收" +
                              person.name + U"同志为中国共产主义青年团团员，报上级团委审批。";
  p.Hand(text, 80, 160, 15, 520, 32);
  p.Print(U"团支部书记签名：", 270, 690, 13);
  p.HandIn(person.secretary, 375, 690, 90, 15);
  p.Hand(Date(person.admit_year, person.admit_month, std::max(1, person.admit_day - 7)), 380, 725, 13, 540, 24);
  p.PageNumber(6);
}

void Review(Page& p, const Person& person) {
  p.PrintCentered(U"基层团委（团总支）审查意见", 90, 18);
  p.Box(60, 115, 475, 640);
  p.Hand(U"　　经审查，该同志符合入团条件，入团手续完备，同意团支部大会决议，报上级团委审批。", 80, 160, 15, 520, 32);
  p.Print(U"负责人签名：", 290, 690, 13);
  p.HandIn(person.introducers[0], 375, 690, 90, 15);
  p.Hand(Date(person.admit_year, person.admit_month, std::max(1, person.admit_day - 3)), 380, 725, 13, 540, 24);
  p.PageNumber(7);
}

void Approval(Page& p, const Person& person, const FormOptions& options, Rng& rng, pdf::Region& seal_box) {
  p.PrintCentered(U"上级团委审批意见", 90, 18);
  p.Box(60, 115, 475, 640);
  const double cx = 410 + rng.Uniform(-12, 12), cy = 650 + rng.Uniform(-12, 12), radius = rng.Uniform(54, 60);
  const pdf::Point c = p.At(cx, cy);
  seal_box = pdf::Region{c.x - radius - 2, c.y - radius - 2, 2 * radius + 4, 2 * radius + 4};
  // The seal is stamped before the ink so that the writing stays on top (like multiply on paper).
  if (options.seal) p.Seal(person.committee, cx, cy, radius, rng.Uniform(-12, 12));
  p.Hand(U"　　经研究，同意接收" + person.name + U"同志为中国共产主义青年团团员，入团时间为" +
             Date(person.admit_year, person.admit_month, person.admit_day) + U"。",
         80, 160, 15, 520, 32);
  p.Print(U"团委（盖章）", 360, 640, 13);
  p.Hand(Date(person.admit_year, person.admit_month, person.admit_day), 370, 690, 14, 540, 24);
  p.PageNumber(8);
}

}  // namespace

std::variant<Fonts, pdf::Error> LoadFonts(pdf::Context& context, const FontFiles& files) {
  auto print = pdf::Font::Load(context, files.print, files.print_face);
  if (auto* error = std::get_if<pdf::Error>(&print)) return std::move(*error);
  auto hand = pdf::Font::Load(context, files.hand, files.hand_face);
  if (auto* error = std::get_if<pdf::Error>(&hand)) return std::move(*error);
  return Fonts{std::move(std::get<pdf::Font>(print)), std::move(std::get<pdf::Font>(hand))};
}

std::u32string RandomName(Rng& rng) {
  // One draw per statement: the order of operands of + is unspecified, and the corpus must not depend on it.
  std::u32string name = rng.Pick(kSurnames);
  name += rng.Pick(kGiven);
  if (rng.Chance(0.7)) name += rng.Pick(kGiven);
  return name;
}

Person RandomPerson(Rng& rng) {
  Person p;
  p.name = RandomName(rng);
  p.gender = rng.Chance(0.5) ? U"男" : U"女";
  p.ethnicity = rng.Pick(kEthnicities);
  const std::u32string city = rng.Pick(kCities);
  const std::u32string district = rng.Pick(kDistricts);
  p.hometown = rng.Pick(kProvinces) + city;
  p.admit_year = rng.Int(2020, 2025);
  p.admit_month = rng.Int(4, 12);
  p.admit_day = rng.Int(8, 28);
  p.fill_year = p.admit_year;
  p.fill_month = p.admit_month - rng.Int(1, 3);
  p.fill_day = rng.Int(1, 25);
  p.birth_year = p.admit_year - rng.Int(14, 17);
  p.birth_month = rng.Int(1, 12);
  p.education = p.admit_year - p.birth_year >= 16 ? U"高中" : U"初中";
  const std::u32string grade = p.education == U"高中" ? U"高" : U"初";
  const std::u32string school = city + U"第" + rng.Pick(kDigits) + U"中学";
  p.school = school;
  const std::u32string grade_number = kDigits[static_cast<std::size_t>(rng.Int(0, 2))];  // 一 to 三
  const int class_number = rng.Int(1, 12);
  p.branch = school + grade + grade_number + U"（" + Number(class_number) + U"）班团支部";
  const std::u32string street = rng.Pick(kStreets);
  const int house = rng.Int(1, 300);
  p.address = city + district + street + Number(house) + U"号";
  p.committee = U"共青团" + city + district + U"委员会";
  p.number = std::to_string(p.admit_year);
  for (int i = 0; i < 8; ++i) p.number += static_cast<char>('0' + rng.Int(0, 9));
  const std::u32string surname = p.name.substr(0, 1);
  std::u32string father = surname;
  father += rng.Pick(kGiven);
  father += rng.Pick(kGiven);
  // Braced lists are evaluated left to right, so these draws are ordered.
  p.family = {{U"父亲", father, rng.Pick(kPolitics), rng.Pick(kWork)},
              {U"母亲", RandomName(rng), rng.Pick(kPolitics), rng.Pick(kWork)}};
  if (rng.Chance(0.5)) p.family.push_back({U"祖父", surname + rng.Pick(kGiven), U"群众", U"退休"});
  p.introducers[0] = RandomName(rng);
  p.introducers[1] = RandomName(rng);
  p.secretary = RandomName(rng);
  p.branch_members = rng.Int(18, 45);
  return p;
}

Form BuildForm(const Fonts& fonts, const Person& person, const FormOptions& options, Rng& rng) {
  Form form;
  // One pen per form: blue-black or black.
  const pdf::Color ink = rng.Chance(0.6) ? pdf::Color{22, 38, 105} : pdf::Color{30, 30, 34};
  {
    Page p(fonts, rng, ink, options.handwritten);
    Cover(p, person, form.number_box);
    form.pages.push_back(p.Take());
  }
  {
    Page p(fonts, rng, ink, options.handwritten);
    BasicInfo(p, person);
    form.pages.push_back(p.Take());
  }
  {
    Page p(fonts, rng, ink, options.handwritten);
    Family(p, person);
    form.pages.push_back(p.Take());
  }
  {
    Page p(fonts, rng, ink, options.handwritten);
    Wish(p, person, rng);
    form.pages.push_back(p.Take());
  }
  {
    Page p(fonts, rng, ink, options.handwritten);
    Introducers(p, person, rng);
    form.pages.push_back(p.Take());
  }
  {
    Page p(fonts, rng, ink, options.handwritten);
    BranchMeeting(p, person, rng);
    form.pages.push_back(p.Take());
  }
  {
    Page p(fonts, rng, ink, options.handwritten);
    Review(p, person);
    form.pages.push_back(p.Take());
  }
  {
    Page p(fonts, rng, ink, options.handwritten);
    Approval(p, person, options, rng, form.seal_box);
    form.pages.push_back(p.Take());
  }
  return form;
}

std::string Utf8(std::u32string_view text) {
  std::string out;
  for (char32_t c : text) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (c >> 18));
      out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

std::u32string Utf32(std::string_view ascii) {
  return std::u32string(ascii.begin(), ascii.end());
}

}  // namespace archive::formgen
