//! The communes table: what the places need of every commune (search by
//! name and postal code, the nearest places from a commune, the coverage
//! of each EPCI by population), read whole by pages with places.
//!
//! It used to be the communes' national overview (`communes-overview.fgb`,
//! 1.5 MB gzipped, with the six IFN columns the map draws and FlatGeobuf's
//! framing per feature); this file of columns of our own holds the same
//! communes in about a third of that, a second less on a phone's 4G and
//! several on 3G before a resident's first answer.

use super::table::{put_positions, put_varint, Reader, TableError};

/// One commune as the places know it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CommuneRow {
    /// INSEE code.
    pub code: String,
    /// Name, with its article (« Le Portel »).
    pub name: String,
    /// SIREN of its EPCI (empty outside any).
    pub epci: String,
    /// Département code.
    pub departement: String,
    /// Municipal population.
    pub population: f64,
    /// Postal codes, separated by spaces.
    pub postal_codes: String,
    /// Where the commune is (its town hall, else a point inside it).
    pub lon_lat: [f64; 2],
}

/// First bytes of a communes table, then its format version.
const MAGIC: &[u8; 5] = b"MLCT\x01";
/// Most communes a table may hold (France has 35,000): a hostile count
/// cannot make the reader reserve gigabytes.
const MAX_COMMUNES: usize = 200_000;

/// The table file of `rows`, in their order (by INSEE code, the prep's:
/// neighbours share their département and are near).
///
/// Layout: `MLCT` 1, varint count, then per column and commune: positions
/// (zigzag varint deltas in 1e-5°), populations (varints), then codes,
/// names, EPCIs, départements and postal codes (varint length + UTF-8).
pub fn encode(rows: &[CommuneRow]) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    put_varint(&mut out, rows.len() as u64);
    put_positions(&mut out, rows.iter().map(|r| r.lon_lat));
    for r in rows {
        put_varint(&mut out, r.population.max(0.0).round() as u64);
    }
    let texts: [fn(&CommuneRow) -> &str; 5] = [
        |r| &r.code,
        |r| &r.name,
        |r| &r.epci,
        |r| &r.departement,
        |r| &r.postal_codes,
    ];
    for text in texts {
        for r in rows {
            put_varint(&mut out, text(r).len() as u64);
            out.extend_from_slice(text(r).as_bytes());
        }
    }
    out
}

/// Reads a communes table, checking every length and position.
pub fn decode(bytes: &[u8]) -> Result<Vec<CommuneRow>, TableError> {
    let rest = bytes
        .strip_prefix(MAGIC)
        .ok_or(TableError::NotACommunesTable)?;
    let mut r = Reader { bytes: rest, at: 0 };
    let n = r.small::<usize>("count")?;
    // Every commune takes at least 8 bytes (two coordinates, a population,
    // five lengths): a count the file cannot hold is a lie.
    if n > MAX_COMMUNES || n.saturating_mul(8) > rest.len() {
        return Err(TableError::Bad("count"));
    }
    let mut rows: Vec<CommuneRow> = (0..n).map(|_| CommuneRow::default()).collect();
    let mut prev = [0i64; 2];
    for row in &mut rows {
        row.lon_lat = r.position(&mut prev)?;
    }
    for row in &mut rows {
        row.population = r.varint("population")? as f64;
    }
    for row in &mut rows {
        row.code = r.text("code")?;
    }
    for row in &mut rows {
        // A partner's table may hold anything: one line, 120 characters.
        let name = r.text("name")?;
        row.name = crate::map::describe::cut(&name, crate::map::describe::MAX_NAME_CHARS);
    }
    for row in &mut rows {
        row.epci = r.text("epci")?;
    }
    for row in &mut rows {
        row.departement = r.text("departement")?;
    }
    for row in &mut rows {
        row.postal_codes = r.text("postal_codes")?;
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(code: &str, name: &str, lon_lat: [f64; 2], postal_codes: &str) -> CommuneRow {
        CommuneRow {
            code: code.into(),
            name: name.into(),
            epci: "200033579".into(),
            departement: code.get(..2).unwrap_or(code).into(),
            population: 41_019.0,
            postal_codes: postal_codes.into(),
            lon_lat,
        }
    }

    #[test]
    fn round_trips_at_a_metre() {
        let rows = vec![
            row("62041", "Arras", [2.777_547, 50.291_002], "62000"),
            row("62263", "Dainville", [2.725_1, 50.281_3], "62000"),
            row(
                "97411",
                "Saint-Denis",
                [55.448_0, -20.878_9],
                "97400 97417 97490",
            ),
        ];
        let bytes = encode(&rows);
        assert!(bytes.starts_with(MAGIC));
        let back = decode(&bytes).expect("table");
        assert_eq!(back.len(), 3);
        for (a, b) in rows.iter().zip(&back) {
            assert_eq!((&a.code, &a.name, &a.epci), (&b.code, &b.name, &b.epci));
            assert_eq!(
                (&a.departement, &a.postal_codes),
                (&b.departement, &b.postal_codes)
            );
            assert_eq!(a.population, b.population);
            for k in 0..2 {
                assert!((a.lon_lat[k] - b.lon_lat[k]).abs() <= 5e-6, "{a:?} {b:?}");
            }
        }
        // 50 bytes a commune here, mostly its texts.
        assert_eq!(bytes.len(), 149);
        assert_eq!(decode(&encode(&[])), Ok(vec![]));
    }

    #[test]
    fn broken_tables_say_where() {
        let bytes = encode(&[row("62041", "Arras", [2.77, 50.29], "62000")]);
        assert_eq!(decode(b"MLCT\x02"), Err(TableError::NotACommunesTable));
        assert_eq!(decode(b"MLST\x01"), Err(TableError::NotACommunesTable));
        // Cut anywhere: an error naming a column, never a panic.
        for end in MAGIC.len()..bytes.len() {
            let e = decode(&bytes[..end]).expect_err("cut");
            assert!(
                matches!(e, TableError::Truncated(_) | TableError::Bad(_)),
                "{end}: {e:?}"
            );
        }
        // A count the file cannot hold.
        let mut lie = MAGIC.to_vec();
        put_varint(&mut lie, 1_000_000);
        assert_eq!(decode(&lie), Err(TableError::Bad("count")));
        // A latitude beyond the pole.
        let mut far = MAGIC.to_vec();
        put_varint(&mut far, 1);
        put_positions(&mut far, [[2.0, 95.0]].into_iter());
        far.extend_from_slice(&[0; 6]);
        assert_eq!(decode(&far), Err(TableError::Bad("xy")));
        // Names as any partner's file may hold them: one line, cut.
        let mut hostile = row("1", "<b>x</b>\nAïe", [2.0, 48.0], "");
        hostile.name.push_str(&"é".repeat(500));
        let back = decode(&encode(&[hostile])).expect("table");
        assert!(
            !back[0].name.contains('\n') && back[0].name.chars().count() <= 121,
            "{:?}",
            back[0].name
        );
        assert!(
            back[0].name.starts_with("<b>x</b> Aïe"),
            "{:?}",
            back[0].name
        );
    }
}
