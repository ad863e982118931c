//! jitfleet-server (not yet written: see the remote compile service issue).
fn main() {
    eprintln!("jitfleet-server: not implemented yet");
    std::process::exit(2);
}
