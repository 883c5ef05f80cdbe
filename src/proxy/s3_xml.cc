// SPDX-License-Identifier: Apache-2.0
#include "proxy/s3_xml.h"

#include <cstdint>

#include <fmt/format.h>

namespace alluxio::proxy {

std::string XmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          out += fmt::format("&#x{:X};", static_cast<int>(c));  // XML 1.0 cannot carry it raw
        } else {
          out += c;
        }
    }
  }
  return out;
}

XmlWriter::XmlWriter() : out_("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n") {}

XmlWriter& XmlWriter::Open(std::string_view name, bool xmlns) {
  out_ += '<';
  out_ += name;
  if (xmlns) out_ += " xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"";
  out_ += '>';
  open_.emplace_back(name);
  return *this;
}

XmlWriter& XmlWriter::Close() {
  out_ += "</";
  out_ += open_.back();
  out_ += '>';
  open_.pop_back();
  return *this;
}

XmlWriter& XmlWriter::Element(std::string_view name, std::string_view text) {
  out_ += '<';
  out_ += name;
  out_ += '>';
  out_ += XmlEscape(text);
  out_ += "</";
  out_ += name;
  out_ += '>';
  return *this;
}

const XmlElement* XmlElement::Child(std::string_view n) const {
  for (const XmlElement& c : children) {
    if (c.name == n) return &c;
  }
  return nullptr;
}

std::string XmlElement::ChildText(std::string_view n) const {
  const XmlElement* c = Child(n);
  return c ? c->text : std::string();
}

namespace {

class Parser {
 public:
  explicit Parser(std::string_view doc) : s_(doc) {}

  Result<XmlElement> Document() {
    RETURN_IF_ERROR(SkipMisc());
    if (Peek() != '<') return Error("no root element");
    XmlElement root;
    RETURN_IF_ERROR(Element(&root, 0));
    RETURN_IF_ERROR(SkipMisc());
    if (pos_ != s_.size()) return Error("content after the root element");
    return root;
  }

 private:
  static constexpr int kMaxDepth = 32;

  char Peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  bool StartsWith(std::string_view p) const { return s_.substr(pos_, p.size()) == p; }
  Status Error(std::string_view what) const {
    return InvalidArgumentError(fmt::format("malformed XML at byte {}: {}", pos_, what));
  }
  void SkipSpace() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) {
      ++pos_;
    }
  }
  Status SkipPast(std::string_view end) {
    size_t p = s_.find(end, pos_);
    if (p == std::string_view::npos) return Error(fmt::format("missing '{}'", end));
    pos_ = p + end.size();
    return Status();
  }
  // Whitespace, the declaration, processing instructions, comments, DOCTYPE.
  Status SkipMisc() {
    for (;;) {
      SkipSpace();
      if (StartsWith("<?")) {
        RETURN_IF_ERROR(SkipPast("?>"));
      } else if (StartsWith("<!--")) {
        RETURN_IF_ERROR(SkipPast("-->"));
      } else if (StartsWith("<!DOCTYPE")) {
        return Error("DOCTYPE is not allowed");
      } else {
        return Status();
      }
    }
  }
  static bool NameChar(char c) {
    return c != '\0' && c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '>' && c != '/' &&
           c != '=' && c != '<';
  }
  Result<std::string> Name() {
    size_t start = pos_;
    while (NameChar(Peek())) ++pos_;
    if (pos_ == start) return Error("expected a name");
    std::string_view n = s_.substr(start, pos_ - start);
    size_t colon = n.find(':');
    if (colon != std::string_view::npos) n = n.substr(colon + 1);
    return std::string(n);
  }
  Status Reference(std::string* out) {
    size_t semi = s_.find(';', pos_);
    if (semi == std::string_view::npos || semi - pos_ > 12) return Error("bad reference");
    std::string_view ref = s_.substr(pos_ + 1, semi - pos_ - 1);
    pos_ = semi + 1;
    if (ref == "amp") {
      *out += '&';
    } else if (ref == "lt") {
      *out += '<';
    } else if (ref == "gt") {
      *out += '>';
    } else if (ref == "quot") {
      *out += '"';
    } else if (ref == "apos") {
      *out += '\'';
    } else if (!ref.empty() && ref[0] == '#') {
      uint32_t cp = 0;
      bool hex = ref.size() > 1 && (ref[1] == 'x' || ref[1] == 'X');
      std::string_view digits = ref.substr(hex ? 2 : 1);
      if (digits.empty()) return Error("bad character reference");
      for (char c : digits) {
        int v = (c >= '0' && c <= '9')          ? c - '0'
                : (hex && c >= 'a' && c <= 'f') ? c - 'a' + 10
                : (hex && c >= 'A' && c <= 'F') ? c - 'A' + 10
                                                : -1;
        if (v < 0 || cp > 0x10FFFF) return Error("bad character reference");
        cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(v);
      }
      if (cp > 0x10FFFF) return Error("bad character reference");
      // UTF-8 encode.
      if (cp < 0x80) {
        *out += static_cast<char>(cp);
      } else if (cp < 0x800) {
        *out += static_cast<char>(0xC0 | (cp >> 6));
        *out += static_cast<char>(0x80 | (cp & 0x3F));
      } else if (cp < 0x10000) {
        *out += static_cast<char>(0xE0 | (cp >> 12));
        *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        *out += static_cast<char>(0x80 | (cp & 0x3F));
      } else {
        *out += static_cast<char>(0xF0 | (cp >> 18));
        *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        *out += static_cast<char>(0x80 | (cp & 0x3F));
      }
    } else {
      return Error("unknown entity");
    }
    return Status();
  }
  // At '<' of a start tag.
  Status Element(XmlElement* e, int depth) {
    if (depth > kMaxDepth) return Error("nested too deeply");
    ++pos_;
    ASSIGN_OR_RETURN(e->name, Name());
    // Attributes (ignored, but checked for form).
    for (;;) {
      SkipSpace();
      if (StartsWith("/>")) {
        pos_ += 2;
        return Status();
      }
      if (Peek() == '>') {
        ++pos_;
        break;
      }
      ASSIGN_OR_RETURN(std::string attr, Name());
      SkipSpace();
      if (Peek() != '=') return Error("expected '='");
      ++pos_;
      SkipSpace();
      char q = Peek();
      if (q != '"' && q != '\'') return Error("expected a quoted attribute value");
      size_t end = s_.find(q, pos_ + 1);
      if (end == std::string_view::npos) return Error("unterminated attribute value");
      pos_ = end + 1;
    }
    // Content.
    for (;;) {
      if (pos_ >= s_.size()) return Error(fmt::format("unterminated element <{}>", e->name));
      char c = s_[pos_];
      if (c == '<') {
        if (StartsWith("</")) {
          pos_ += 2;
          ASSIGN_OR_RETURN(std::string name, Name());
          if (name != e->name) {
            return Error(fmt::format("</{}> closes <{}>", name, e->name));
          }
          SkipSpace();
          if (Peek() != '>') return Error("expected '>'");
          ++pos_;
          return Status();
        }
        if (StartsWith("<!--")) {
          RETURN_IF_ERROR(SkipPast("-->"));
        } else if (StartsWith("<![CDATA[")) {
          size_t start = pos_ + 9;
          RETURN_IF_ERROR(SkipPast("]]>"));
          e->text.append(s_.substr(start, pos_ - 3 - start));
        } else if (StartsWith("<?")) {
          RETURN_IF_ERROR(SkipPast("?>"));
        } else if (StartsWith("<!")) {
          return Error("unexpected markup");
        } else {
          e->children.emplace_back();
          RETURN_IF_ERROR(Element(&e->children.back(), depth + 1));
        }
      } else if (c == '&') {
        RETURN_IF_ERROR(Reference(&e->text));
      } else {
        e->text += c;
        ++pos_;
      }
    }
  }

  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

Result<XmlElement> ParseXml(std::string_view doc) { return Parser(doc).Document(); }

}  // namespace alluxio::proxy
