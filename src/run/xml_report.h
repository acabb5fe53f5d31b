// Loading the XML report files the native tasks read (test results,
// coverage), with one wording for a file that is not XML. Internal to src/run.
#pragma once

#include <filesystem>
#include <string>

#include <pugixml.hpp>

#include "core/error.h"

namespace slipway::run {

// Loads `file` into `doc`; its root element, or invalid_input "<shown>: not
// XML (<why> at byte N)".
inline Result<pugi::xml_node> load_xml_report(pugi::xml_document& doc, const std::filesystem::path& file,
                                              const std::string& shown) {
  pugi::xml_parse_result parsed = doc.load_file(file.c_str());
  if (!parsed)
    return fail(ErrorCode::invalid_input, shown + ": not XML (" + parsed.description() + " at byte " +
                                              std::to_string(parsed.offset) + ")");
  return doc.document_element();
}

}  // namespace slipway::run
