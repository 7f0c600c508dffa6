//! A macro for the Kubernetes string enums we model.
//!
//! Kubernetes keeps enum-like fields as strings, and the API server (or an older or newer one) can
//! hand us values we do not know. Upstream treats an unknown taint effect or operator as "matches
//! nothing" rather than failing to decode the object, so every enum keeps the unknown string in an
//! `Other` variant; validation reports it where the API server would.

macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this crate does not know, kept verbatim.
            Other(String),
        }

        impl $name {
            /// The value exactly as Kubernetes spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $text, )+
                    Self::Other(text) => text,
                }
            }

            /// Parses the Kubernetes spelling; anything else becomes [`Self::Other`].
            pub fn parse(text: &str) -> Self {
                match text {
                    $( $text => Self::$variant, )+
                    other => Self::Other(other.to_owned()),
                }
            }

            /// Whether this is one of the values Kubernetes defines.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Other(_))
            }

            /// Every value Kubernetes defines, in its documentation order.
            pub const KNOWN: &'static [&'static str] = &[$($text),+];
        }

        impl $crate::model::string_enum::EnumText for $name {
            fn text(&self) -> &str {
                self.as_str()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Visitor;
                impl serde::de::Visitor<'_> for Visitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str("a string")
                    }
                    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<$name, E> {
                        Ok($name::parse(text))
                    }
                }
                deserializer.deserialize_str(Visitor)
            }
        }
    };
}

pub(crate) use string_enum;

/// Deserializes an optional string enum where the empty string means "not set", as Kubernetes'
/// `omitempty` strings do.
pub(crate) fn empty_as_none<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de> + EnumText,
{
    let value: Option<T> = serde::Deserialize::deserialize(deserializer)?;
    Ok(value.filter(|v| !v.text().is_empty()))
}

/// Access to an enum's spelling, for [`empty_as_none`].
pub(crate) trait EnumText {
    fn text(&self) -> &str;
}
