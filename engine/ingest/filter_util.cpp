#include "ingest/filter_util.h"

namespace vigil::av {

Result<AVFilterContext*> addFilter(AVFilterGraph* graph, const char* filter, const char* name,
                                   const std::string& args) {
  AVFilterContext* ctx = nullptr;  // owned by the graph
  const AVFilter* f = avfilter_get_by_name(filter);
  if (!f) return Status::error(std::string("filter not available: ") + filter);
  int err = avfilter_graph_create_filter(&ctx, f, name, args.empty() ? nullptr : args.c_str(), nullptr, graph);
  if (err < 0) return error(std::string("create filter ") + filter + "=" + args, err);
  return ctx;
}

Status link(AVFilterContext* a, AVFilterContext* b) {
  int err = avfilter_link(a, 0, b, 0);
  return err < 0 ? error("link filters", err) : Status::ok();
}

}  // namespace vigil::av
