// Keeps mqtk_net a valid library while it has no other sources.
namespace mqtk::detail {
// Never called; exists so the archive is never empty.
int net_anchor() { return 0; }
} // namespace mqtk::detail
