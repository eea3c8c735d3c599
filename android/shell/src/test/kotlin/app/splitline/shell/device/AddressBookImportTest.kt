package app.splitline.shell.device

import app.splitline.shell.account.Account
import app.splitline.shell.account.AccountSettings
import app.splitline.testsupport.TestNetwork
import java.nio.file.Files
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNull
import org.junit.Test

/** The import into the real core (offline: the import and the caller name need no gateway). */
class AddressBookImportTest {
    private fun open(): Account =
        Account.open(
            Files.createTempDirectory("import").toFile(),
            AccountSettings(listOf(TestNetwork.gateway), TestNetwork.account("mallory").address, "device-test", "shell-test"),
        ).getOrThrow()

    @Test
    fun rowsAreImportedAndTheCoreNamesTheCallerThenAChangeIsAnUpdate() {
        open().use { account ->
            val book = AddressBookImport(account)
            val rows = listOf(PhoneRow(1, "Ada Lovelace", "mobile", "020 7946 0018"), PhoneRow(2, "Bob Babbage", null, "+44 20 7946 0999"))
            assertEquals(ImportSummary(2, 0, 0, 0, 0), book.import(entriesOf(rows), "GB").getOrThrow())
            assertEquals("Ada Lovelace", book.callerName("+442079460018").getOrThrow())

            val renamed = listOf(rows[0].copy(name = "Ada King"), rows[1])
            assertEquals(ImportSummary(0, 1, 0, 1, 0), book.import(entriesOf(renamed), "GB").getOrThrow())
            assertEquals("Ada King", book.callerName("+442079460018").getOrThrow())

            assertEquals(ImportSummary(0, 0, 1, 1, 0), book.import(entriesOf(renamed.take(1)), "GB").getOrThrow())
            assertNull(book.callerName("+442079460999").getOrThrow())
        }
    }
}
