package app.splitline.shell.device

import app.splitline.shell.account.Account
import app.splitline.shell.core.coreResult
import uniffi.splitline_bindings.NativeContactInfo
import uniffi.splitline_bindings.NativeNumberInfo

/** One `ContactsContract.CommonDataKinds.Phone` row, as the app reads it. */
data class PhoneRow(
    /** `Phone.CONTACT_ID`. */
    val contactId: Long,
    /** `Phone.DISPLAY_NAME`; null or blank when the entry has none. */
    val name: String?,
    /** The number's label ("mobile", "work", a custom one), if any. */
    val label: String?,
    /** `Phone.NUMBER`, as written. */
    val number: String,
) {
    override fun toString(): String = "PhoneRow(contactId=$contactId, label=$label, number=[redacted])"
}

/** One native address-book entry: a contact with its numbers. */
data class NativeEntry(val nativeId: String, val name: String, val numbers: List<NativeNumber>) {
    override fun toString(): String = "NativeEntry(nativeId=$nativeId, numbers=${numbers.size})"
}

/** A number of a [NativeEntry], as written. */
data class NativeNumber(val label: String?, val number: String)

/** What the core's import changed. [unreadable] numbers were kept as written but cannot be dialled or matched. */
data class ImportSummary(val added: Int, val updated: Int, val removed: Int, val unchanged: Int, val unreadable: Int)

/**
 * The Phone rows as address-book entries: one per contact, numbers in row
 * order without exact repeats, blank numbers left out. An entry with no
 * name is named by its first number (as the phone's own contacts app does).
 */
fun entriesOf(rows: List<PhoneRow>): List<NativeEntry> =
    rows.filter { it.number.isNotBlank() }
        .groupBy { it.contactId }
        .map { (id, own) ->
            val numbers = own.map { NativeNumber(it.label?.takeIf(String::isNotBlank), it.number.trim()) }.distinct()
            val name = own.firstNotNullOfOrNull { it.name?.trim()?.takeIf(String::isNotEmpty) } ?: numbers.first().number
            NativeEntry(id.toString(), name, numbers)
        }
        .sortedBy { it.nativeId.toLong() }

/**
 * The account's address book in the core: the import (the core normalises
 * the numbers, diffs by content and matches them to the network contacts)
 * and the caller name for an incoming number.
 */
class AddressBookImport(private val account: Account) {
    /** Imports the whole address book; [homeCountry] (ISO 3166 alpha-2) reads numbers without a country code. */
    fun import(entries: List<NativeEntry>, homeCountry: String): Result<ImportSummary> =
        coreResult {
            val report = account.client.addressBook().use { book ->
                book.import(
                    entries.map { e -> NativeContactInfo(e.nativeId, e.name, e.numbers.map { NativeNumberInfo(it.label, it.number) }) },
                    homeCountry,
                )
            }
            ImportSummary(
                report.added.toInt(),
                report.updated.toInt(),
                report.removed.toInt(),
                report.unchanged.toInt(),
                report.unread.size,
            )
        }

    /** The name to show for a caller's [number] (E.164, or local to the last import's country); null if nobody has it. */
    fun callerName(number: String): Result<String?> =
        coreResult { account.client.addressBook().use { it.callerName(number)?.label } }
}
