//! FlatGeobuf read side over bytes and byte ranges: header, packed R-tree search, bounds-checked feature decoding (untrusted input).
