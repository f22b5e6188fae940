//! Travel-time estimate: straight-line distance × detour factor ÷ average
//! speed. It is an estimate, not a routing: see the module doc of `analysis`.

use crate::num::ClampTo;

/// How people get to a help place; selects the average speed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// On foot.
    Walk,
    /// By car.
    Car,
}

impl Mode {
    /// Reads a mode from an embed attribute or a menu value, in French or
    /// English, ignoring case and surrounding spaces: "voiture", "car",
    /// "auto", "en voiture" → [`Mode::Car`]; "pied", "à pied", "marche",
    /// "walk", "foot" → [`Mode::Walk`]. Anything else is `None`, so the caller
    /// can keep its default instead of guessing.
    pub fn parse(text: &str) -> Option<Mode> {
        // ASCII and À are all the case these words need (no Unicode case
        // tables in the browser module).
        let lower: String = text
            .trim()
            .chars()
            .map(|c| {
                if c == 'À' {
                    'à'
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect();
        let word = lower
            .strip_prefix("en ")
            .or_else(|| lower.strip_prefix("à "))
            .or_else(|| lower.strip_prefix("a "))
            .or_else(|| lower.strip_prefix("on "))
            .unwrap_or(&lower)
            .trim();
        match word {
            "voiture" | "car" | "auto" | "automobile" | "driving" => Some(Mode::Car),
            "pied" | "marche" | "walk" | "walking" | "foot" => Some(Mode::Walk),
            _ => None,
        }
    }
}

/// Average speeds and detour factor that turn straight-line metres into
/// minutes. Kept as plain numbers so an embed can tune them for a
/// territory (a mountain département may want a larger detour).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Travel {
    /// Average walking speed, km/h (default 4.5).
    pub walk_kmh: f64,
    /// Average door-to-door car speed including towns, km/h (default 40).
    pub car_kmh: f64,
    /// Road distance ÷ straight-line distance (default 1.3, the usual
    /// circuity of the French road network).
    pub detour: f64,
}

/// Default walking speed, km/h.
const WALK_KMH: f64 = 4.5;
/// Default car speed, km/h.
const CAR_KMH: f64 = 40.0;
/// Default detour factor.
const DETOUR: f64 = 1.3;
/// Accepted walking speeds, km/h: a slow walker to a brisk one.
const WALK_RANGE: (f64, f64) = (1.0, 10.0);
/// Accepted average car speeds, km/h: town traffic to motorway.
const CAR_RANGE: (f64, f64) = (5.0, 130.0);
/// Accepted detour factors: a road is never shorter than the straight line;
/// more than 3 times longer is no longer an average.
const DETOUR_RANGE: (f64, f64) = (1.0, 3.0);

impl Default for Travel {
    /// Walk 4.5 km/h, car 40 km/h, detour 1.3.
    fn default() -> Self {
        Travel {
            walk_kmh: WALK_KMH,
            car_kmh: CAR_KMH,
            detour: DETOUR,
        }
    }
}

/// `x` within `range`, or `default` when it is NaN (infinities clamp).
fn sane(x: f64, range: (f64, f64), default: f64) -> f64 {
    if x.is_nan() {
        default
    } else {
        x.clamp_to(range.0, range.1)
    }
}

impl Travel {
    /// The same settings with every value made usable, so that values read
    /// from hostile or mistyped attributes cannot give zero, negative or NaN
    /// times: NaN becomes the default, anything else is clamped to walk
    /// 1–10 km/h, car 5–130 km/h, detour 1–3.
    pub fn sanitised(self) -> Travel {
        Travel {
            walk_kmh: sane(self.walk_kmh, WALK_RANGE, WALK_KMH),
            car_kmh: sane(self.car_kmh, CAR_RANGE, CAR_KMH),
            detour: sane(self.detour, DETOUR_RANGE, DETOUR),
        }
    }

    /// Speed for a mode, km/h (on sanitised settings).
    fn kmh(&self, mode: Mode) -> f64 {
        match mode {
            Mode::Walk => self.walk_kmh,
            Mode::Car => self.car_kmh,
        }
    }

    /// Estimated minutes to cover `metres` of straight line: the figure shown
    /// next to a nearest place. Uses the sanitised settings. Negative metres
    /// give 0; NaN stays NaN (an unknown distance is not a short one).
    pub fn minutes(&self, metres: f64, mode: Mode) -> f64 {
        if metres.is_nan() {
            return f64::NAN;
        }
        let t = self.sanitised();
        // km of road / km/h * 60 min/h.
        metres.max(0.0) * t.detour * 0.06 / t.kmh(mode)
    }

    /// Straight-line radius, metres, reachable in `minutes`: the inverse of
    /// [`Travel::minutes`], fed to the coverage. Uses the sanitised settings.
    /// NaN or negative minutes give 0; infinite minutes an infinite radius.
    pub fn reach_m(&self, minutes: f64, mode: Mode) -> f64 {
        if minutes.is_nan() || minutes <= 0.0 {
            return 0.0;
        }
        let t = self.sanitised();
        minutes * t.kmh(mode) / 0.06 / t.detour
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_french_and_english() {
        for s in ["voiture", "Voiture", " car ", "en voiture", "AUTO"] {
            assert_eq!(Mode::parse(s), Some(Mode::Car), "{s}");
        }
        for s in [
            "pied", "à pied", "À PIED", "a pied", "marche", "walk", "on foot",
        ] {
            assert_eq!(Mode::parse(s), Some(Mode::Walk), "{s}");
        }
        for s in ["", "vélo", "bike", "en", "voitures", "piedcar"] {
            assert_eq!(Mode::parse(s), None, "{s}");
        }
    }

    #[test]
    fn default_speeds_give_known_minutes() {
        let t = Travel::default();
        assert_eq!(t.walk_kmh, 4.5);
        assert_eq!(t.car_kmh, 40.0);
        assert_eq!(t.detour, 1.3);
        // 10 km straight = 13 km road: 19.5 min at 40 km/h, 173.33 min on foot.
        assert!((t.minutes(10_000.0, Mode::Car) - 19.5).abs() < 1e-9);
        assert!((t.minutes(10_000.0, Mode::Walk) - 173.333_333).abs() < 1e-5);
        assert_eq!(t.minutes(0.0, Mode::Car), 0.0);
        assert_eq!(t.minutes(-5.0, Mode::Car), 0.0);
        assert!(t.minutes(f64::NAN, Mode::Car).is_nan());
    }

    #[test]
    fn fifteen_minutes_reach() {
        let t = Travel::default();
        // 15 min at 40 km/h = 10 km of road = 10000 / 1.3 m straight.
        assert!((t.reach_m(15.0, Mode::Car) - 7_692.307_7).abs() < 1e-3);
        // 15 min at 4.5 km/h = 1125 m of road = 865.38 m straight.
        assert!((t.reach_m(15.0, Mode::Walk) - 865.384_6).abs() < 1e-3);
        assert_eq!(t.reach_m(0.0, Mode::Car), 0.0);
        assert_eq!(t.reach_m(-3.0, Mode::Car), 0.0);
        assert_eq!(t.reach_m(f64::NAN, Mode::Walk), 0.0);
        assert_eq!(t.reach_m(f64::INFINITY, Mode::Walk), f64::INFINITY);
        // Round trip.
        let m = t.reach_m(27.0, Mode::Car);
        assert!((t.minutes(m, Mode::Car) - 27.0).abs() < 1e-9);
    }

    #[test]
    fn hostile_settings_are_sanitised() {
        let bad = Travel {
            walk_kmh: f64::NAN,
            car_kmh: 0.0,
            detour: -2.0,
        };
        assert_eq!(
            bad.sanitised(),
            Travel {
                walk_kmh: 4.5,
                car_kmh: 5.0,
                detour: 1.0
            }
        );
        let huge = Travel {
            walk_kmh: f64::INFINITY,
            car_kmh: 1e300,
            detour: f64::NAN,
        };
        assert_eq!(
            huge.sanitised(),
            Travel {
                walk_kmh: 10.0,
                car_kmh: 130.0,
                detour: 1.3
            }
        );
        // minutes/reach use the sanitised values: car 5 km/h, detour 1.
        assert!((bad.minutes(5_000.0, Mode::Car) - 60.0).abs() < 1e-9);
        assert!((bad.reach_m(60.0, Mode::Car) - 5_000.0).abs() < 1e-9);
        let sane = Travel {
            walk_kmh: 5.0,
            car_kmh: 60.0,
            detour: 1.5,
        };
        assert_eq!(sane.sanitised(), sane);
    }
}
