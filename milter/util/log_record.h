// NAME
//   log_record - attach a finished line to a Boost.Log record
// SYNOPSIS
//   if (auto rec = logger.open_record()) {
//     set_record_message(rec, std::move(line));
//     logger.push_record(std::move(rec));
//   }
// DESCRIPTION
//   Stores `text` as the record's "Message" attribute (what
//   expressions::smessage and the sinks' default formatting read), as a
//   record_ostream would, without building a std::ostream and its locale for
//   every line. Used for lines that are complete strings already: the
//   operational log (milter/log.cc) and the audit log (milter/audit/writer.cc).
// THREADS
//   As Boost.Log: a record belongs to the thread that opened it.
#ifndef PHI_MILTER_LOG_RECORD_H
#define PHI_MILTER_LOG_RECORD_H

#include <boost/log/attributes/attribute_value_impl.hpp>
#include <boost/log/core/record.hpp>
#include <boost/log/detail/default_attribute_names.hpp>
#include <string>
#include <utility>

namespace phi {

inline void set_record_message(boost::log::record& rec, std::string text) {
  rec.attribute_values().insert(boost::log::aux::default_attribute_names::message(),
                                boost::log::attributes::make_attribute_value(std::move(text)));
}

}  // namespace phi

#endif
