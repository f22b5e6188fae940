//! Any bytes as the places table (`sites-table.bin`): an error or a table,
//! never a panic or an allocation out of proportion.
#![no_main]

use libfuzzer_sys::fuzz_target;
use maillage::sites::table::SiteTable;

fuzz_target!(|data: &[u8]| {
    let _ = SiteTable::decode(data);
});
