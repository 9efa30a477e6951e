// The migrations folder is embedded into the binary with include_dir!, which cargo does not
// track on stable Rust: without this line a new migration file could be missing from a build.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=examples");
}
