package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/blob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/bloberror"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/blockblob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/container"
)

// AzureStore keeps blobs as block blobs in one Azure Storage container. A
// block blob's content changes only when its block list is committed,
// after every block is staged, so readers see the old blob or the new one.
type AzureStore struct {
	container *container.Client
}

var _ Store = (*AzureStore)(nil)

// Upload buffers: azureBlockSize × azureConcurrency bytes per upload.
const (
	azureBlockSize   = 4 << 20
	azureConcurrency = 4
)

var containerName = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9]|-[a-z0-9]){2,62}$`)

// Azure connects with a storage account's connection string and uses
// containerName, creating it when missing.
func Azure(ctx context.Context, connectionString, name string) (*AzureStore, error) {
	if !containerName.MatchString(name) {
		return nil, fmt.Errorf("blob: %q is not an Azure container name (3-63 lower-case letters, digits and single hyphens)", name)
	}
	client, err := azblob.NewClientFromConnectionString(connectionString, nil)
	if err != nil {
		// The SDK's message may quote the connection string, key included.
		return nil, errors.New("blob: the Azure Storage connection string cannot be parsed")
	}
	c := client.ServiceClient().NewContainerClient(name)
	if _, err := c.Create(ctx, nil); err != nil && !bloberror.HasCode(err, bloberror.ContainerAlreadyExists) {
		return nil, fmt.Errorf("blob: creating Azure container %s: %w", name, err)
	}
	return &AzureStore{container: c}, nil
}

// Put stages the stream in blocks and commits them; a stream of the wrong
// length fails before the commit, so nothing changes.
func (s *AzureStore) Put(ctx context.Context, key string, r io.Reader, size int64) error {
	if err := checkPut(key, size); err != nil {
		return err
	}
	_, err := s.container.NewBlockBlobClient(key).UploadStream(ctx, &exactly{ctx: ctx, r: r, left: size}, &blockblob.UploadStreamOptions{
		BlockSize: azureBlockSize, Concurrency: azureConcurrency,
		HTTPHeaders: &blob.HTTPHeaders{BlobContentType: to.Ptr("application/octet-stream")},
	})
	if err != nil {
		return azureErr(key, err)
	}
	return nil
}

// Open downloads through the SDK's retrying reader, whose retries are
// bound to the blob's ETag: a blob replaced mid-read fails the read rather
// than mixing two versions.
func (s *AzureStore) Open(ctx context.Context, key string) (io.ReadCloser, Info, error) {
	if err := ValidKey(key); err != nil {
		return nil, Info{}, err
	}
	resp, err := s.container.NewBlobClient(key).DownloadStream(ctx, nil)
	if err != nil {
		return nil, Info{}, azureErr(key, err)
	}
	if resp.ContentLength == nil {
		_ = resp.Body.Close()
		return nil, Info{}, fmt.Errorf("blob: %s: the download has no length", key)
	}
	return resp.NewRetryReader(ctx, nil), Info{Size: *resp.ContentLength}, nil
}

// Stat reads the blob's properties.
func (s *AzureStore) Stat(ctx context.Context, key string) (Info, error) {
	if err := ValidKey(key); err != nil {
		return Info{}, err
	}
	props, err := s.container.NewBlobClient(key).GetProperties(ctx, nil)
	if err != nil {
		return Info{}, azureErr(key, err)
	}
	if props.ContentLength == nil {
		return Info{}, fmt.Errorf("blob: %s: the properties have no length", key)
	}
	return Info{Size: *props.ContentLength}, nil
}

// Delete removes the blob with its snapshots.
func (s *AzureStore) Delete(ctx context.Context, key string) error {
	if err := ValidKey(key); err != nil {
		return err
	}
	_, err := s.container.NewBlobClient(key).Delete(ctx, &blob.DeleteOptions{DeleteSnapshots: to.Ptr(blob.DeleteSnapshotsOptionTypeInclude)})
	if err != nil && !errors.Is(azureErr(key, err), ErrNotFound) {
		return azureErr(key, err)
	}
	return nil
}

// azureErr maps a missing blob (HEAD answers carry no error body, hence
// the status check) to ErrNotFound.
func azureErr(key string, err error) error {
	var re *azcore.ResponseError
	if bloberror.HasCode(err, bloberror.BlobNotFound, bloberror.ContainerNotFound) ||
		errors.As(err, &re) && re.StatusCode == http.StatusNotFound {
		return fmt.Errorf("%w: %s", ErrNotFound, key)
	}
	if errors.Is(err, ErrSizeMismatch) {
		return fmt.Errorf("blob: put %s: %w", key, ErrSizeMismatch)
	}
	return fmt.Errorf("blob: %s: %w", key, err)
}
