//! JVMTI's inline records as an independent oracle for the relocator's scope decoder: for
//! every PcDesc with a scope, HotSpot itself reports the (method, bci) chain
//! (`create_inline_record` in prims/jvmtiExport.cpp). A capture whose decoded chains differ
//! from these is refused — code is never shared on the strength of a decoder that disagrees
//! with the VM.

use jitfleet_relocator::{MetadataIndex, PcOffset};
use std::collections::HashMap;
use std::ffi::c_void;

/// One record: pc offset from code begin, chain innermost first as (jmethodID, bci).
pub type Record = (i64, Vec<(usize, i32)>);

/// Copies the inline records out of `compile_info`, pcs made relative to `code_begin`.
///
/// # Safety
/// `compile_info` must be null or the record list HotSpot passed to CompiledMethodLoad, and
/// this must be called inside that callback.
pub unsafe fn inline_records(compile_info: *const c_void, code_begin: u64) -> Vec<Record> {
    // SAFETY: the caller's contract is `pc_chains`'s.
    let chains = unsafe { crate::compilations::pc_chains(compile_info) };
    chains.into_iter().map(|(pc, chain)| (pc.wrapping_sub(code_begin) as i64, chain)).collect()
}

/// Compares the decoded chains (metadata indices) with JVMTI's (jmethodIDs). `metadata` is
/// the nmethod's metadata table, `method_ids` maps a `Method*` to its jmethodID. Returns the
/// number of agreeing pcs, or the first disagreement.
pub fn compare(
    decoded: impl Iterator<Item = (PcOffset, Vec<(MetadataIndex, i32)>)>,
    metadata: &[u64],
    method_ids: &HashMap<u64, usize>,
    records: &[Record],
) -> Result<usize, String> {
    let mut count = 0;
    let mut records = records.iter();
    for (pc, chain) in decoded {
        let Some((jvmti_pc, jvmti_chain)) = records.next() else {
            return Err(format!("decoded scope at pc {} has no JVMTI record", pc.0));
        };
        if i64::from(pc.0) != *jvmti_pc {
            return Err(format!("decoded pc {} where JVMTI reports pc {jvmti_pc}", pc.0));
        }
        let mapped: Option<Vec<(usize, i32)>> = chain
            .iter()
            .map(|(index, bci)| {
                let ptr = metadata.get((index.0 as usize).checked_sub(1)?)?;
                Some((*method_ids.get(ptr)?, *bci))
            })
            .collect();
        if mapped.as_ref() != Some(jvmti_chain) {
            return Err(format!("at pc {}: decoded {mapped:?}, JVMTI {jvmti_chain:?}", pc.0));
        }
        count += 1;
    }
    match records.next() {
        Some((pc, _)) => Err(format!("JVMTI reports pc {pc} that was not decoded")),
        None => Ok(count),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chains_must_agree_pc_by_pc() {
        let metadata = [0x1000, 0x2000];
        let ids: HashMap<u64, usize> = [(0x1000, 11), (0x2000, 22)].into_iter().collect();
        let decoded = || vec![(PcOffset(5), vec![(MetadataIndex(2), 3), (MetadataIndex(1), 7)]), (PcOffset(9), vec![(MetadataIndex(1), 0)])];
        let records = vec![(5, vec![(22, 3), (11, 7)]), (9, vec![(11, 0)])];
        assert_eq!(compare(decoded().into_iter(), &metadata, &ids, &records), Ok(2));
        let wrong_bci = vec![(5, vec![(22, 4), (11, 7)]), (9, vec![(11, 0)])];
        assert!(compare(decoded().into_iter(), &metadata, &ids, &wrong_bci).is_err());
        assert!(compare(decoded().into_iter(), &metadata, &ids, &records[..1]).is_err());
        let unknown: HashMap<u64, usize> = HashMap::new();
        assert!(compare(decoded().into_iter(), &metadata, &unknown, &records).is_err());
    }
}
