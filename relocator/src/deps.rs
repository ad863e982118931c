//! The dependencies stream (`code/dependencies.hpp/.cpp`: `encode_content_bytes`,
//! `DepStream::next`).
//!
//! A sequence of records, each a raw type byte followed by one UNSIGNED5 argument per
//! `dep_args(type)`; the byte's bit 4 (`default_context_type_bit`) says the first argument
//! (the context class) was left out because it equals the holder of the method argument
//! (only `unique_concrete_method_2/4` do this). Arguments are metadata-table indices, except
//! for `call_site_target_value` whose two arguments are oops-table indices. A 0 byte ends the
//! stream; an empty section means no dependencies.

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::section::{MetadataIndex, OopIndex, SectionId};
use crate::stream::CompressedReader;

/// `Dependencies::default_context_type_bit`.
const DEFAULT_CONTEXT_BIT: u8 = 1 << 4;

/// `Dependencies::DepType` in HotSpot 17.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DepType {
    /// The method's bytecodes were used (invalidated by redefinition). Args: method.
    EvolMethod = 1,
    /// The context class has no subclasses. Args: ctxk.
    LeafType = 2,
    /// An abstract class has exactly one concrete subclass. Args: ctxk, k.
    AbstractWithUniqueConcreteSubtype = 3,
    /// One concrete implementation of a method under a class. Args: ctxk, m.
    UniqueConcreteMethod2 = 4,
    /// As above with the resolved class and method. Args: ctxk, m, resolved_klass, resolved_method.
    UniqueConcreteMethod4 = 5,
    /// An interface has exactly one implementor. Args: ctxk, implementor.
    UniqueImplementor = 6,
    /// No instance of the class or its subclasses needs finalization. Args: ctxk.
    NoFinalizableSubclasses = 7,
    /// A `CallSite`'s target is the given method handle. Args: call site, method handle (oops).
    CallSiteTargetValue = 8,
}

impl DepType {
    fn from_code(code: u8) -> Option<DepType> {
        use DepType::*;
        Some(match code {
            1 => EvolMethod,
            2 => LeafType,
            3 => AbstractWithUniqueConcreteSubtype,
            4 => UniqueConcreteMethod2,
            5 => UniqueConcreteMethod4,
            6 => UniqueImplementor,
            7 => NoFinalizableSubclasses,
            8 => CallSiteTargetValue,
            _ => return None,
        })
    }

    /// `Dependencies::dep_args`.
    pub fn arg_count(self) -> usize {
        match self {
            DepType::EvolMethod | DepType::LeafType | DepType::NoFinalizableSubclasses => 1,
            DepType::UniqueConcreteMethod4 => 4,
            _ => 2,
        }
    }

    /// Whether argument 0 is an explicit context class (`explicit_ctxk_types`).
    pub fn has_context_arg(self) -> bool {
        !matches!(self, DepType::EvolMethod | DepType::CallSiteTargetValue)
    }
}

/// One dependency argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DepArg {
    Metadata(MetadataIndex),
    Oop(OopIndex),
    /// The context class left out of the stream: the holder of the method in argument 1.
    DefaultContext,
}

/// One recorded dependency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dependency {
    pub kind: DepType,
    pub args: Vec<DepArg>,
    /// Where the record's type byte is in the section.
    pub offset: usize,
}

/// Decodes the dependencies section.
pub fn decode_dependencies(bytes: &[u8]) -> Result<Vec<Dependency>, Error> {
    let mut out = Vec::new();
    if bytes.is_empty() {
        return Ok(out);
    }
    let mut r = CompressedReader::new(bytes, SectionId::Dependencies, 0);
    loop {
        let offset = r.position();
        let code = match r.read_u8() {
            Ok(c) => c,
            Err(_) => return Err(Error::MissingDependencyEnd),
        };
        if code == 0 {
            return Ok(out);
        }
        let default_context = code & DEFAULT_CONTEXT_BIT != 0;
        let kind = DepType::from_code(code & !DEFAULT_CONTEXT_BIT)
            .filter(|k| !default_context || (k.has_context_arg() && k.arg_count() >= 2))
            .ok_or(Error::BadDependencyType { offset, code })?;
        let mut args = Vec::with_capacity(kind.arg_count());
        for j in 0..kind.arg_count() {
            if j == 0 && default_context {
                args.push(DepArg::DefaultContext);
                continue;
            }
            let index = r.read_u32()?;
            args.push(if kind == DepType::CallSiteTargetValue {
                DepArg::Oop(OopIndex(index))
            } else {
                DepArg::Metadata(MetadataIndex(index))
            });
        }
        out.push(Dependency { kind, args, offset });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_encode::CompressedWriter;

    /// `encode_content_bytes`: records, an end marker, padding to 8 bytes.
    fn encode(deps: &[(DepType, bool, &[u32])]) -> Vec<u8> {
        let mut w = CompressedWriter::new();
        for (kind, default_ctx, args) in deps {
            w.write_u8(*kind as u8 | if *default_ctx { DEFAULT_CONTEXT_BIT } else { 0 });
            for a in *args {
                w.write_u32(*a);
            }
        }
        w.write_u8(0);
        while w.position() % 8 != 0 {
            w.write_u8(0);
        }
        w.into_bytes()
    }

    #[test]
    fn round_trip_every_type() {
        use DepArg::*;
        let bytes = encode(&[
            (DepType::EvolMethod, false, &[3]),
            (DepType::LeafType, false, &[4]),
            (DepType::AbstractWithUniqueConcreteSubtype, false, &[4, 5]),
            (DepType::UniqueConcreteMethod2, true, &[300]),
            (DepType::UniqueConcreteMethod4, false, &[4, 6, 7, 8]),
            (DepType::UniqueImplementor, false, &[9, 10]),
            (DepType::NoFinalizableSubclasses, false, &[2]),
            (DepType::CallSiteTargetValue, false, &[1, 2]),
        ]);
        let deps = decode_dependencies(&bytes).unwrap();
        let m = |i| Metadata(MetadataIndex(i));
        let got: Vec<(DepType, Vec<DepArg>)> = deps.iter().map(|d| (d.kind, d.args.clone())).collect();
        assert_eq!(
            got,
            vec![
                (DepType::EvolMethod, vec![m(3)]),
                (DepType::LeafType, vec![m(4)]),
                (DepType::AbstractWithUniqueConcreteSubtype, vec![m(4), m(5)]),
                (DepType::UniqueConcreteMethod2, vec![DefaultContext, m(300)]),
                (DepType::UniqueConcreteMethod4, vec![m(4), m(6), m(7), m(8)]),
                (DepType::UniqueImplementor, vec![m(9), m(10)]),
                (DepType::NoFinalizableSubclasses, vec![m(2)]),
                (DepType::CallSiteTargetValue, vec![Oop(OopIndex(1)), Oop(OopIndex(2))]),
            ]
        );
        assert_eq!(deps[1].offset, 2);
    }

    #[test]
    fn empty_section_has_no_dependencies() {
        assert!(decode_dependencies(&[]).unwrap().is_empty());
        assert!(decode_dependencies(&[0; 8]).unwrap().is_empty());
    }

    #[test]
    fn malformed_streams_are_errors() {
        assert_eq!(decode_dependencies(&[9, 1]).unwrap_err(), Error::BadDependencyType { offset: 0, code: 9 });
        // default-context bit on a type without a context argument
        assert_eq!(decode_dependencies(&[2, 4, 0x11, 5]).unwrap_err(), Error::BadDependencyType { offset: 2, code: 0x11 });
        assert_eq!(decode_dependencies(&[2, 4]).unwrap_err(), Error::MissingDependencyEnd);
        assert!(matches!(decode_dependencies(&[3, 4]).unwrap_err(), Error::UnexpectedEnd { offset: 2, .. }));
    }
}
