package app.splitline.shell.device

import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test

class ContactsChangesTest {
    @Test
    fun addedChangedAndRemovedContactsAreFoundByTheirVersions() {
        val before = ContactsSnapshot(mapOf(1L to 100L, 2L to 200L, 3L to 300L))
        val now = ContactsSnapshot(mapOf(1L to 100L, 2L to 250L, 4L to 400L))
        assertEquals(ContactsChanges(added = setOf(4L), changed = setOf(2L), removed = setOf(3L)), ContactsChanges.between(before, now))
    }

    @Test
    fun theSameVersionsAreNoChangeAndTheFirstImportAddsAll() {
        val now = ContactsSnapshot(mapOf(1L to 100L, 2L to 200L))
        assertTrue(ContactsChanges.between(now, now).isEmpty)
        assertEquals(setOf(1L, 2L), ContactsChanges.between(ContactsSnapshot.NONE, now).added)
    }

    @Test
    fun theSnapshotSurvivesItsStoredFormAndADamagedOneMeansAFullImport() {
        val snapshot = ContactsSnapshot(mapOf(7L to 1700000000000L, 3L to 5L))
        assertEquals(snapshot, ContactsSnapshot.decode(snapshot.encode()))
        assertEquals(ContactsSnapshot.NONE, ContactsSnapshot.decode("3:5,x:y"))
        assertEquals(ContactsSnapshot.NONE, ContactsSnapshot.decode(null))
    }

    @Test
    fun phoneRowsBecomeOneEntryPerContactWithoutRepeatsOrBlankNumbers() {
        val rows = listOf(
            PhoneRow(2, "Ada Lovelace", "mobile", "+44 20 7946 0018"),
            PhoneRow(1, null, null, "020 7946 0999"),
            PhoneRow(2, "Ada Lovelace", "mobile", "+44 20 7946 0018"),
            PhoneRow(2, "Ada Lovelace", "work", " 020 7946 0001 "),
            PhoneRow(3, "No Number", null, "  "),
        )
        assertEquals(
            listOf(
                NativeEntry("1", "020 7946 0999", listOf(NativeNumber(null, "020 7946 0999"))),
                NativeEntry(
                    "2",
                    "Ada Lovelace",
                    listOf(NativeNumber("mobile", "+44 20 7946 0018"), NativeNumber("work", "020 7946 0001")),
                ),
            ),
            entriesOf(rows),
        )
    }
}
