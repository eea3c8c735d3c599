package app.splitline.android.device

import android.content.ContentProvider
import android.content.ContentValues
import android.database.Cursor
import android.database.MatrixCursor
import android.net.Uri
import android.provider.ContactsContract.CommonDataKinds.Phone
import android.provider.ContactsContract.Contacts

/**
 * A test provider behind `ContactsContract`'s authority: answers the two
 * queries the importer makes (`Contacts.CONTENT_URI`, `Phone.CONTENT_URI`)
 * from [people], and counts the Phone queries (to prove the import is skipped
 * when nothing changed).
 */
class FakeContactsProvider : ContentProvider() {
    /** A contact with its numbers and its last-updated time. */
    data class Person(val id: Long, val name: String, val numbers: List<String>, val updated: Long)

    @Volatile
    var people: List<Person> = emptyList()

    @Volatile
    var phoneQueries = 0

    /** Replaces the contacts and notifies the observers as the real provider does. */
    fun change(now: List<Person>) {
        people = now
        context?.contentResolver?.notifyChange(Contacts.CONTENT_URI, null)
    }

    override fun onCreate(): Boolean = true

    override fun query(uri: Uri, projection: Array<out String>?, selection: String?, args: Array<out String>?, sort: String?): Cursor? {
        val columns = projection ?: return null
        val cursor = MatrixCursor(columns)
        when (uri) {
            Contacts.CONTENT_URI -> people.filter { it.numbers.isNotEmpty() }.forEach { p ->
                cursor.addRow(
                    columns.map {
                        when (it) {
                            Contacts._ID -> p.id
                            Contacts.CONTACT_LAST_UPDATED_TIMESTAMP -> p.updated
                            else -> null
                        }
                    },
                )
            }
            Phone.CONTENT_URI -> {
                phoneQueries++
                people.forEach { p ->
                    p.numbers.forEach { n ->
                        cursor.addRow(
                            columns.map {
                                when (it) {
                                    Phone.CONTACT_ID -> p.id
                                    Phone.DISPLAY_NAME -> p.name
                                    Phone.TYPE -> Phone.TYPE_MOBILE
                                    Phone.NUMBER -> n
                                    else -> null
                                }
                            },
                        )
                    }
                }
            }
            else -> return null
        }
        return cursor
    }

    override fun getType(uri: Uri): String? = null

    override fun insert(uri: Uri, values: ContentValues?): Uri? = null

    override fun delete(uri: Uri, selection: String?, args: Array<out String>?): Int = 0

    override fun update(uri: Uri, values: ContentValues?, selection: String?, args: Array<out String>?): Int = 0
}
